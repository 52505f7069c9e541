using JwtIssuer.Server.Data;
using JwtIssuer.Server.Users;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace JwtIssuer.Server.Admin.Agents;

/// <summary>
/// <c>/admin</c>: the agents, searchable by email or name and paged, and a form to add one with a password shown once,
/// a one-time set-password link shown once, or no password (an agent who signs in through the identity provider).
/// </summary>
public sealed class IndexModel(JwtIssuerDbContext database, UserAdministration users) : AdminPageModel
{
    public const string PageName = "/Admin/Agents/Index";

    public const int PageSize = 25;

    public const int MaxSearchLength = 256;

    /// <summary>The longest email and name an agent may have (the columns' sizes).</summary>
    public const int MaxEmailLength = 256, MaxNameLength = 256;

    /// <summary>How a new agent gets a password.</summary>
    public enum PasswordChoice
    {
        /// <summary>A one-time set-password link, shown once.</summary>
        Link,

        /// <summary>A generated password, shown once.</summary>
        Generated,

        /// <summary>None: the agent signs in through the identity provider.</summary>
        None,
    }

    public IReadOnlyList<AgentSummary> Agents { get; private set; } = [];

    public string? Search { get; private set; }

    public int PageNumber { get; private set; } = 1;

    public int PageCount { get; private set; } = 1;

    public int Total { get; private set; }

    /// <summary>What <see cref="AdminPageModel.ShownOnce"/> is, as its field's label.</summary>
    public string? ShownOnceLabel { get; private set; }

    public async Task OnGetAsync(string? q, int p = 1, int removed = 0)
    {
        // After a removal the agent's page is gone, and the list says so (the query says only that one was removed).
        Message = removed == 1 ? "The agent was removed. Their events stay in the audit trail." : null;
        await LoadAsync(q, p);
    }

    public async Task<IActionResult> OnPostAddAsync(string? email, string? name, PasswordChoice password, bool admin)
    {
        email = email?.Trim();
        if (string.IsNullOrEmpty(email) || email.Length > MaxEmailLength || !email.Contains('@', StringComparison.Ordinal))
        {
            Error = "Enter the agent's email address.";
        }
        else if (name is { Length: > MaxNameLength })
        {
            Error = $"The name is too long ({MaxNameLength} characters at most).";
        }
        else if (password != PasswordChoice.None && !LocalAccounts)
        {
            Error = "Passwords are off here (Authentication:LocalAccounts is false): add the agent with no password, to sign in through the identity provider.";
        }
        else
        {
            await AddAsync(email, name, password, admin);
        }

        await LoadAsync(null, 1);
        var page = Page();
        page.StatusCode = Error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest;
        return page;
    }

    private async Task AddAsync(string email, string? name, PasswordChoice password, bool admin)
    {
        var generated = password == PasswordChoice.Generated ? GeneratedPassword.New() : null;
        User user;
        try
        {
            user = await users.AddAsync(email, name, generated, admin, Actor);
        }
        catch (UserChangeFailedException ex)
        {
            Error = ex.Message;
            return;
        }

        // Added: whatever follows, the admin learns what exists now and how the agent gets in.
        switch (password)
        {
            case PasswordChoice.Generated:
                (ShownOnce, ShownOnceLabel) = (generated, "Password (shown once)");
                Message = $"Added {user.Email}. Their password is below: give it to them now, it is not shown again.";
                break;
            case PasswordChoice.Link:
                try
                {
                    (ShownOnce, ShownOnceLabel) = (await CreateLinkUrlAsync(users, user), "Set-password link (shown once)");
                    Message = $"Added {user.Email}. Send them the link below to choose a password; it works once, and is not shown again.";
                }
                catch (UserChangeFailedException ex)
                {
                    Message = $"Added {user.Email}, but no link could be made ({ex.Message}): make one on their page.";
                }

                break;
            default:
                Message = $"Added {user.Email}, with no password: they sign in through the identity provider.";
                break;
        }
    }

    private async Task LoadAsync(string? search, int page)
    {
        var trimmed = search?.Trim();
        Search = string.IsNullOrEmpty(trimmed) ? null : trimmed[..Math.Min(trimmed.Length, MaxSearchLength)];
        var query = database.Users.AsNoTracking();
        if (Search is not null)
        {
            // Case-insensitive on the email (Identity keeps it upper-cased) and, as typed, on the name.
            var upper = Search.ToUpperInvariant();
            query = query.Where(user => user.NormalizedEmail!.Contains(upper) || (user.DisplayName != null && user.DisplayName.Contains(Search)));
        }

        Total = await query.CountAsync(HttpContext.RequestAborted);
        PageCount = Math.Max(1, (Total + PageSize - 1) / PageSize);
        PageNumber = Math.Clamp(page, 1, PageCount);
        Agents = await AgentSummary.Of(query.OrderBy(user => user.NormalizedEmail).Skip((PageNumber - 1) * PageSize).Take(PageSize), database)
            .ToListAsync(HttpContext.RequestAborted);
    }
}
