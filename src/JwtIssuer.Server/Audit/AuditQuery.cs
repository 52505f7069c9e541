namespace JwtIssuer.Server.Audit;

/// <summary>
/// A question to the audit trail: whose events, of which type, between when and when, how many. The answer is newest
/// first. <c>jwt-issuer audit</c> asks it; so will the admin pages.
/// </summary>
public sealed record AuditQuery
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 100_000;

    /// <summary>Only events of this email or account name (normalized as the trail keeps it).</summary>
    public string? User { get; init; }

    /// <summary>Only events of this type (<see cref="AuditEventTypes"/>).</summary>
    public string? Type { get; init; }

    /// <summary>Only events at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Only events before this time.</summary>
    public DateTimeOffset? Until { get; init; }

    public int Limit { get; init; } = DefaultLimit;

    /// <summary>The events that answer the question, newest first.</summary>
    public IQueryable<AuditEvent> Apply(IQueryable<AuditEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (AuditEvent.NormalizeEmail(User) is { } email)
        {
            events = events.Where(entry => entry.Email == email);
        }

        if (Type is { } type)
        {
            events = events.Where(entry => entry.Type == type);
        }

        if (Since is { } since)
        {
            var from = since.UtcDateTime;
            events = events.Where(entry => entry.Time >= from);
        }

        if (Until is { } until)
        {
            var to = until.UtcDateTime;
            events = events.Where(entry => entry.Time < to);
        }

        return events.OrderByDescending(entry => entry.Time).ThenByDescending(entry => entry.Id).Take(Limit);
    }
}
