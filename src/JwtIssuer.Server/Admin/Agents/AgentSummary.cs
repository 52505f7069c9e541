using JwtIssuer.Server.Audit;
using JwtIssuer.Server.Data;
using JwtIssuer.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace JwtIssuer.Server.Admin.Agents;

/// <summary>An agent as the admin pages list them: who, what state, which provider, and when last seen (from the audit trail).</summary>
public sealed record AgentSummary(
    string Id,
    string? Email,
    string? Name,
    bool IsAdmin,
    bool IsDisabled,
    DateTimeOffset? LockoutEnd,
    bool HasPassword,
    string? Provider,
    DateTime? LastSignIn,
    DateTime? LastToken)
{
    /// <summary>active, disabled, or locked until a time.</summary>
    public string State(DateTimeOffset now) =>
        IsDisabled ? "disabled"
        : LockoutEnd > now ? $"locked until {LockoutEnd.Value.UtcDateTime:yyyy-MM-dd HH:mm} UTC"
        : "active";

    /// <summary>
    /// The summaries of the given users, in their order, in one query: the last sign-in and the last token are each
    /// the newest row of the audit trail for the user and type, read backwards along the (UserId, Type, Time) index (for
    /// the last token, one entry; for the last sign-in, past any failed ones since).
    /// </summary>
    internal static IQueryable<AgentSummary> Of(IQueryable<User> users, JwtIssuerDbContext database) =>
        users.Select(user => new AgentSummary(
            user.Id,
            user.Email,
            user.DisplayName,
            user.IsAdmin,
            user.IsDisabled,
            user.LockoutEnd,
            user.PasswordHash != null,
            database.UserLogins.Where(login => login.UserId == user.Id).Select(login => login.ProviderDisplayName ?? login.LoginProvider).FirstOrDefault(),
            database.AuditEvents
                .Where(e => e.UserId == user.Id && e.Type == AuditEventTypes.SignIn && e.Outcome == AuditOutcomes.Succeeded)
                .OrderByDescending(e => e.Time).Select(e => (DateTime?)e.Time).FirstOrDefault(),
            database.AuditEvents
                .Where(e => e.UserId == user.Id && e.Type == AuditEventTypes.Token)
                .OrderByDescending(e => e.Time).Select(e => (DateTime?)e.Time).FirstOrDefault()));
}
