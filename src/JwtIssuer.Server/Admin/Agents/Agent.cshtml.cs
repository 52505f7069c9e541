using JwtIssuer.Configuration;
using JwtIssuer.Server.Data;
using JwtIssuer.Server.SignIn.PasswordLinks;
using JwtIssuer.Server.Users;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace JwtIssuer.Server.Admin.Agents;

/// <summary>
/// <c>/admin/agents/{id}</c>: one agent, and every action on them, each a button posting to its own handler. The last
/// active admin cannot be demoted, disabled or removed here.
/// </summary>
public sealed class AgentModel(JwtIssuerDbContext database, UserAdministration users) : AdminPageModel
{
    public const string PageName = "/Admin/Agents/Agent";

    private const string LastAdminError = "This is the last active admin: make another agent an admin first, or nobody could manage agents here.";

    public AgentSummary? Agent { get; private set; }

    public async Task<IActionResult> OnGetAsync(string id) => await ShowAsync(id);

    public Task<IActionResult> OnPostDisableAsync(string id) => ActAsync(id, async user =>
        await users.DisableAsync(user, Actor, UserAdministration.Guard.LastActiveAdmin)
            ? $"Disabled {user.Email}: no sign-in and no token from now on."
            : null);

    public Task<IActionResult> OnPostEnableAsync(string id) => ActAsync(id, async user =>
    {
        await users.EnableAsync(user, Actor);
        return $"Enabled {user.Email}.";
    });

    public Task<IActionResult> OnPostUnlockAsync(string id) => ActAsync(id, async user =>
    {
        await users.UnlockAsync(user, Actor);
        return $"Unlocked {user.Email}: they may sign in with their password again.";
    });

    public async Task<IActionResult> OnPostResetPasswordAsync(string id)
    {
        if (!LocalAccounts)
        {
            Error = "Passwords are off here (Authentication:LocalAccounts is false): agents sign in through the identity provider.";
            return await ShowAsync(id, StatusCodes.Status409Conflict);
        }

        return await ActAsync(id, async user =>
        {
            ShownOnce = await CreateLinkUrlAsync(users, user);
            return $"Send {user.Email} the link below to choose a new password; it works once, and is not shown again. Their current password works until then.";
        });
    }

    public Task<IActionResult> OnPostUnlinkAsync(string id) => ActAsync(id, async user =>
    {
        var count = await users.UnlinkAsync(user, Actor);
        return $"Unlinked {user.Email} ({count} link{(count == 1 ? "" : "s")}); their next sign-in through the provider links again by email.";
    });

    public Task<IActionResult> OnPostSignOutAsync(string id) => ActAsync(id, async user =>
    {
        await users.SignOutEverywhereAsync(user, Actor);
        return $"Signed {user.Email} out everywhere.";
    });

    public Task<IActionResult> OnPostGrantAdminAsync(string id) => ActAsync(id, async user =>
    {
        await users.SetAdminAsync(user, true, Actor);
        return $"{user.Email} is an admin.";
    });

    public Task<IActionResult> OnPostRevokeAdminAsync(string id) => ActAsync(id, async user =>
        await users.SetAdminAsync(user, false, Actor, guard: UserAdministration.Guard.LastActiveAdmin)
            ? $"{user.Email} is no longer an admin."
            : null);

    public async Task<IActionResult> OnPostRemoveAsync(string id)
    {
        var removed = false;
        var result = await ActAsync(id, async user =>
        {
            removed = await users.RemoveAsync(user, Actor, UserAdministration.Guard.LastActiveAdmin);
            return removed ? $"Removed {user.Email}." : null;
        });

        // Its page is gone; the list says what happened.
        return removed ? RedirectToPage(IndexModel.PageName, new { removed = 1 }) : result;
    }

    /// <summary>
    /// Runs the action on the agent and shows their page with what it did; 404 for an unknown agent, 409 when the action
    /// would leave no active admin (it returns null), 500 when it failed.
    /// </summary>
    private async Task<IActionResult> ActAsync(string id, Func<User, Task<string?>> action)
    {
        var user = await users.FindByIdAsync(id);
        if (user is null)
        {
            return NotFound();
        }

        try
        {
            Message = await action(user);
            if (Message is null)
            {
                Error = LastAdminError;
                return await ShowAsync(id, StatusCodes.Status409Conflict);
            }
        }
        catch (UserChangeFailedException ex)
        {
            Error = ex.Message;
            return await ShowAsync(id, StatusCodes.Status500InternalServerError);
        }

        return await ShowAsync(id);
    }

    private async Task<IActionResult> ShowAsync(string id, int status = StatusCodes.Status200OK)
    {
        Agent = await AgentSummary.Of(database.Users.AsNoTracking().Where(user => user.Id == id), database).SingleOrDefaultAsync(HttpContext.RequestAborted);
        if (Agent is null)
        {
            return NotFound();
        }

        var page = Page();
        page.StatusCode = status;
        return page;
    }
}
