using System.Globalization;
using System.Text.Json.Nodes;
using JwtIssuer.Server.Audit;
using JwtIssuer.Server.Data;
using JwtIssuer.Server.SignIn;
using JwtIssuer.Server.SignIn.PasswordLinks;
using JwtIssuer.Server.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Scim;

/// <summary>
/// Agents as SCIM Users: finding them by the filters identity providers send, and creating, replacing, patching and
/// deleting them. Enabling, disabling and removing go through <see cref="UserAdministration"/>, as the admin area's
/// do, so a deactivation ends the agent's sessions (security stamp) and every change is an audit event whose actor
/// names the token, <c>scim (entra)</c>.
/// </summary>
internal sealed partial class ScimUsers(
    UserManager<User> users,
    JwtIssuerDbContext database,
    UserAdministration administration,
    SetPasswordLinks links,
    AuditLog audit,
    IOptions<AuthenticationSettings> authentication,
    TimeProvider time,
    ILogger<ScimUsers> logger)
{
    /// <summary>The most users one page lists (ServiceProviderConfig's <c>filter.maxResults</c>).</summary>
    public const int MaxResults = 100;

    /// <summary>The user with this id; a SCIM 404 otherwise.</summary>
    public async Task<User> FindAsync(string id) =>
        (id.Length <= 64 ? await users.FindByIdAsync(id) : null) ?? throw ScimException.NotFound($"No user has the id '{id}'.");

    /// <summary>One page of the users the filter selects, in a stable order, and how many it selects in all.</summary>
    public async Task<(int Total, List<User> Page)> ListAsync(ScimFilter? filter, int startIndex, int count, CancellationToken cancellationToken)
    {
        var query = filter is null ? users.Users : Where(users.Users, filter);
        var total = await query.CountAsync(cancellationToken);
        var page = count == 0 ? [] : await query.OrderBy(user => user.Id).Skip(startIndex - 1).Take(count).AsNoTracking().ToListAsync(cancellationToken);
        return (total, page);
    }

    private IQueryable<User> Where(IQueryable<User> query, ScimFilter filter)
    {
        foreach (var comparison in filter.AllOf)
        {
            var path = comparison.Path;
            if (path.Schema is not null && !string.Equals(path.Schema, ScimSchemas.User, StringComparison.OrdinalIgnoreCase))
            {
                throw Unsupported(comparison);
            }

            if (comparison is not { Operator: "eq", Value: { } value })
            {
                throw ScimException.InvalidFilter($"Only 'eq' is supported here, not '{comparison.Operator}'. {Supported}");
            }

            var name = path.Name;
            if (name == "active" && path.ValueFilter is null)
            {
                var active = value.Kind == ScimValueKind.Boolean ? value.Text == "true" : throw ScimException.InvalidFilter("'active' compares with true or false.");
                query = query.Where(user => user.IsDisabled != active);
                continue;
            }

            if (value.Kind != ScimValueKind.String)
            {
                throw ScimException.InvalidFilter($"'{path.Attribute}' compares with a string.");
            }

            var text = value.Text!;
            if (ScimJson.HasLoneSurrogate(text) || text.Any(char.IsControl))
            {
                throw ScimException.InvalidFilter("The filter's value holds a character that is not allowed.");
            }

            switch (name)
            {
                case "username" when path.ValueFilter is null:
                    var normalized = users.NormalizeName(text);
                    query = query.Where(UserNameIs(normalized));
                    break;
                case "externalid" when path.ValueFilter is null:
                    query = query.Where(user => user.ExternalId == text);
                    break;
                case "id" when path.ValueFilter is null:
                    query = query.Where(user => user.Id == text);
                    break;
                case "displayname" when path.ValueFilter is null:
                    // caseExact false (RFC 7643): compared upper-cased in SQL (SQLite's upper() folds ASCII only, so an
                    // exact match counts too).
                    var upper = text.ToUpperInvariant();
#pragma warning disable CA1304, CA1311, CA1862 // runs in the database as SQL upper(), not in .NET
                    query = query.Where(user => user.DisplayName == text || (user.DisplayName != null && user.DisplayName.ToUpper() == upper));
#pragma warning restore CA1304, CA1311, CA1862
                    break;
                case "emails" or "emails.value":
                    // emails[type eq "work"].value: the agent's one email is the work and primary one; any other type has none.
                    var email = users.NormalizeEmail(text);
                    query = path.ValueFilter is null || ScimUserDraft.SelectsAgentEmail(path.ValueFilter, email: null)
                        ? query.Where(user => user.NormalizedEmail == email)
                        : query.Where(user => false);
                    break;
                default:
                    throw Unsupported(comparison);
            }
        }

        return query;
    }

    /// <summary>
    /// The user whose SCIM <c>userName</c> this is: one SCIM named so, else (for an agent SCIM never named) the agent with
    /// this email, unless another agent has it as their SCIM <c>userName</c>. One name, one user.
    /// </summary>
    private System.Linq.Expressions.Expression<Func<User, bool>> UserNameIs(string normalized) => user =>
        user.NormalizedScimUserName == normalized
        || (user.NormalizedScimUserName == null && user.NormalizedEmail == normalized && !users.Users.Any(other => other.NormalizedScimUserName == normalized));

    private const string Supported = "Filter with eq on userName, externalId, emails.value (or emails[type eq \"work\"].value), id, displayName or active.";

    private static ScimException Unsupported(ScimComparison comparison) =>
        ScimException.InvalidFilter($"Filtering on '{(comparison.Path.Schema is null ? "" : comparison.Path.Schema + ":")}{comparison.Path.Attribute}' is not supported. {Supported}");

    /// <summary>Creates an agent with no password: they sign in through the identity provider, linked on first sign-in by email.</summary>
    public async Task<User> CreateAsync(ScimUserDraft draft, string actor)
    {
        var userName = draft.UserName ?? throw ScimException.InvalidValue("userName is required.");
        var email = draft.Email ?? EmailFrom(userName);
        CheckEmail(email);
        await EnsureUniqueAsync(userName, email, exceptId: null);
        var user = new User
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            CreatedAt = time.GetUtcNow(),
            IsDisabled = draft.Active == false,
            DisplayName = Fit(draft.DisplayName ?? draft.DerivedName),
        };
        SetScimAttributes(user, draft, userName);
        await SaveAsync(() => users.CreateAsync(user), user);
        await audit.UserChangedAsync(AuditOutcomes.UserAdded, user.Id, user.Email, actor, user.IsDisabled ? "SCIM; inactive" : "SCIM");
        return user;
    }

    /// <summary>
    /// Makes the agent what <paramref name="draft"/> says (a PUT's whole user, or the agent after a PATCH): the profile
    /// first, one audit event naming what changed; then <c>active</c>, through <see cref="UserAdministration"/>.
    /// </summary>
    public async Task UpdateAsync(User user, ScimUserDraft draft, string actor)
    {
        // A deactivation comes first and stands on its own: whatever else in the request is refused, the leaver is out.
        if (draft.Active == false && !user.IsDisabled)
        {
            await ChangeAsync(() => administration.DisableAsync(user, actor));
        }

        var userName = draft.UserName ?? throw ScimException.InvalidValue("userName is required.");
        var oldUserName = user.ScimUserName ?? user.Email!;

        // Without an email of its own, the agent's email follows userName, as when created. Only an email that really
        // changes (not merely its case) is checked and changed.
        var email = draft.EmailGiven ? draft.Email
            : string.Equals(user.Email, oldUserName, StringComparison.OrdinalIgnoreCase) && !string.Equals(userName, oldUserName, StringComparison.OrdinalIgnoreCase) ? null
            : user.Email;
        email ??= EmailFrom(userName);
        var emailChanged = !string.Equals(email, user.Email, StringComparison.OrdinalIgnoreCase);
        if (!emailChanged)
        {
            email = user.Email!;
        }

        // A name derived from the name parts follows them; one set on its own (displayName, the admin) stays.
        var derivedBefore = ScimUserDraft.DerivedFrom(user.GivenName, user.FamilyName);
        var displayName = Fit(draft.DisplayNameGiven ? draft.DisplayName ?? draft.DerivedName
            : user.DisplayName is null || user.DisplayName == derivedBefore ? draft.DerivedName ?? user.DisplayName
            : user.DisplayName);

        var userNameChanged = !string.Equals(userName, oldUserName, StringComparison.Ordinal);
        var changed = new List<string>();
        void Note(bool differs, string attribute)
        {
            if (differs)
            {
                changed.Add(attribute);
            }
        }

        Note(userNameChanged, "userName");
        Note(emailChanged, "emails");
        Note(draft.ExternalId != user.ExternalId, "externalId");
        Note(displayName != user.DisplayName, "displayName");
        Note(draft.GivenName != user.GivenName || draft.FamilyName != user.FamilyName, "name");

        if (changed.Count > 0)
        {
            if (emailChanged)
            {
                CheckEmail(email);
                await CheckEmailChangeAsync(user, email);
            }

            // Only what changes must be unique: an agent named the same way by hand before does not block the rest.
            await EnsureUniqueAsync(userNameChanged ? userName : null, emailChanged ? email : null, user.Id);
            await SaveProfileAsync(user, draft, userName, email, displayName, emailChanged, changed, actor);
        }

        if (draft.Active == true && user.IsDisabled)
        {
            await ChangeAsync(() => administration.EnableAsync(user, actor));
        }
    }

    /// <summary>
    /// Saves the profile. An email change is one transaction with what must go with it: the sessions end (they carry
    /// the email the tokens name), and the provider's subject linked to the old address and any set-password link go,
    /// so the next sign-in is proved for the new address. Either all of it happens or none does.
    /// </summary>
    private async Task SaveProfileAsync(User user, ScimUserDraft draft, string userName, string email, string? displayName, bool emailChanged, List<string> changed, string actor)
    {
        await using var transaction = emailChanged ? await database.Database.BeginTransactionAsync() : null;
        if (emailChanged)
        {
            (user.Email, user.UserName) = (email, email);
        }

        user.DisplayName = displayName;
        SetScimAttributes(user, draft, userName);
        await SaveAsync(() => users.UpdateAsync(user), user);
        var unlinked = new List<string>();
        if (emailChanged)
        {
            foreach (var login in await users.GetLoginsAsync(user))
            {
                await SaveAsync(() => users.RemoveLoginAsync(user, login.LoginProvider, login.ProviderKey), user);
                unlinked.Add($"subject {login.ProviderKey} at {login.LoginProvider}");
            }

            await links.RevokeAsync(user);
            await SaveAsync(() => users.UpdateSecurityStampAsync(user), user);
            await transaction!.CommitAsync();
        }

        var reason = $"SCIM: {string.Join(", ", changed)}" + (unlinked.Count == 0 ? "" : $"; unlinked {string.Join(", ", unlinked)}");
        await audit.UserChangedAsync(AuditOutcomes.UserUpdated, user.Id, user.Email, actor, reason);
    }

    /// <summary>Removes the agent; the audit trail keeps their events.</summary>
    public Task DeleteAsync(User user, string actor) => ChangeAsync(() => administration.RemoveAsync(user, actor));

    /// <summary>The agent as a SCIM User resource.</summary>
    public static JsonObject Resource(User user, string location)
    {
        var resource = new JsonObject
        {
            ["schemas"] = new JsonArray(ScimSchemas.User),
            ["id"] = user.Id,
        };
        if (user.ExternalId is not null)
        {
            resource["externalId"] = user.ExternalId;
        }

        resource["userName"] = user.ScimUserName ?? user.Email;
        var name = new JsonObject();
        if (ScimUserDraft.DerivedFrom(user.GivenName, user.FamilyName) is { } formatted)
        {
            name["formatted"] = formatted;
        }

        if (user.GivenName is not null)
        {
            name["givenName"] = user.GivenName;
        }

        if (user.FamilyName is not null)
        {
            name["familyName"] = user.FamilyName;
        }

        if (name.Count > 0)
        {
            resource["name"] = name;
        }

        if (user.DisplayName is not null)
        {
            resource["displayName"] = user.DisplayName;
        }

        resource["emails"] = new JsonArray(new JsonObject { ["value"] = user.Email, ["type"] = "work", ["primary"] = true });
        resource["active"] = !user.IsDisabled;
        resource["meta"] = new JsonObject
        {
            ["resourceType"] = "User",
            ["created"] = user.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["location"] = location,
        };
        return resource;
    }

    private void SetScimAttributes(User user, ScimUserDraft draft, string userName)
    {
        user.ScimUserName = userName;
        user.NormalizedScimUserName = users.NormalizeName(userName);
        user.ExternalId = draft.ExternalId;
        user.GivenName = draft.GivenName;
        user.FamilyName = draft.FamilyName;
    }

    /// <summary>The email an agent without one of their own gets: <c>userName</c>, when it is an email address.</summary>
    private static string EmailFrom(string userName) =>
        ScimUserDraft.IsEmail(userName) ? userName
        : throw ScimException.InvalidValue("An agent needs an email (the claim Comm100 matches): send a work or primary email in 'emails', or an email address as 'userName'.");

    /// <summary>
    /// A new email: an email address, in one of <c>Authentication:OpenIdConnect:AllowedEmailDomains</c> when those
    /// are set. (An unchanged one is not judged again: a deactivation must never fail on it.)
    /// </summary>
    private void CheckEmail(string email)
    {
        if (!ScimUserDraft.IsEmail(email))
        {
            throw ScimException.InvalidValue($"'{email}' is not an email address.");
        }

        var domains = authentication.Value.OpenIdConnect?.AllowedEmailDomains ?? [];
        var domain = email[(email.LastIndexOf('@') + 1)..];
        if (domains.Count > 0 && !domains.Contains(domain, StringComparer.OrdinalIgnoreCase))
        {
            throw ScimException.InvalidValue($"'{email}' is not in a domain allowed here (Authentication:OpenIdConnect:AllowedEmailDomains).");
        }
    }

    /// <summary>
    /// An admin's email, or that of an agent with a password here, is not SCIM's to change: whoever holds the token and
    /// that password (or a provider account with the new address) would take the account, and the admin area with it.
    /// </summary>
    private async Task CheckEmailChangeAsync(User user, string email)
    {
        if (user.IsAdmin || await users.HasPasswordAsync(user))
        {
            LogRefusedEmailChange(logger, user.Id, user.IsAdmin ? "an admin" : "an agent with a password");
            throw new ScimException(StatusCodes.Status400BadRequest, "mutability",
                $"The email of {user.Email} cannot be changed through SCIM: they are {(user.IsAdmin ? "an admin" : "an agent with a password")} here. Change it with jwt-issuer or in /admin, or remove and provision them again (new email {email}).");
        }
    }

    /// <summary>A name cut to its column (256), never inside a surrogate pair: given and family names joined may be longer.</summary>
    private static string? Fit(string? name) => name is { Length: > 256 } ? name[..(char.IsHighSurrogate(name[255]) ? 255 : 256)] : name;

    private async Task EnsureUniqueAsync(string? userName, string? email, string? exceptId)
    {
        if (userName is not null && await users.Users.Where(user => user.Id != exceptId).AnyAsync(UserNameIs(users.NormalizeName(userName))))
        {
            throw ScimException.Uniqueness($"Another user has the userName '{userName}'.");
        }

        var normalizedEmail = email is null ? null : users.NormalizeEmail(email);
        if (normalizedEmail is not null && await users.Users.AnyAsync(user => user.Id != exceptId && user.NormalizedEmail == normalizedEmail))
        {
            throw ScimException.Uniqueness($"Another agent has the email '{email}'.");
        }
    }

    /// <summary>Runs an Identity change; its refusals become SCIM errors (a duplicate made at the same moment is a 409).</summary>
    private async Task SaveAsync(Func<Task<IdentityResult>> change, User user)
    {
        IdentityResult result;
        try
        {
            result = await change();
        }
        catch (DbUpdateException ex) when (DatabaseErrors.IsUniqueViolation(ex))
        {
            // A unique index refused it: another request took the name or email a moment before.
            throw ScimException.Uniqueness($"Another user took the userName or email of {user.Email} at the same moment.");
        }

        if (result.Succeeded)
        {
            return;
        }

        var codes = result.Errors.Select(error => error.Code).ToList();
        var detail = string.Join(" ", result.Errors.Select(error => error.Description));
        throw codes.Any(code => code is nameof(IdentityErrorDescriber.DuplicateUserName) or nameof(IdentityErrorDescriber.DuplicateEmail)) ? ScimException.Uniqueness(detail)
            : codes.Contains(nameof(IdentityErrorDescriber.ConcurrencyFailure)) ? new ScimException(StatusCodes.Status409Conflict, null, "The user was changed by another request at the same moment; read it again and retry.")
            : ScimException.InvalidValue(detail);
    }

    private static async Task ChangeAsync(Func<Task> change)
    {
        try
        {
            await change();
        }
        catch (UserChangeFailedException ex) when (ex.InnerException is AuditStoreUnavailableException unavailable)
        {
            // Made, but not recorded: the 503 the caller retries, as for any outage.
            throw unavailable;
        }
        catch (UserChangeFailedException ex)
        {
            throw new ScimException(StatusCodes.Status409Conflict, null, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SCIM may not change the email of user {UserId}, {Kind} here: refused")]
    private static partial void LogRefusedEmailChange(ILogger logger, string userId, string kind);
}
