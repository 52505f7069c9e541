using System.Globalization;
using JwtIssuer.Server.Audit;
using JwtIssuer.Server.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace JwtIssuer.Server.Admin.Audit;

/// <summary>
/// <c>/admin/audit</c>: the audit trail, newest first, filtered by user, type and period (dates in UTC, the end day
/// included), in pages; <c>?handler=csv</c> exports what the filters select, as <c>jwt-issuer audit --format csv</c> does.
/// </summary>
public sealed class IndexModel(JwtIssuerDbContext database) : AdminPageModel
{
    public const int PageSize = 50;

    /// <summary>At most this many rows in one export; the period narrows a bigger one.</summary>
    public const int MaxExport = AuditQuery.MaxLimit;

    public IReadOnlyList<AuditEvent> Events { get; private set; } = [];

    [BindProperty(SupportsGet = true, Name = "user")]
    public string? UserFilter { get; set; }

    [BindProperty(SupportsGet = true, Name = "type")]
    public string? Type { get; set; }

    [BindProperty(SupportsGet = true, Name = "since")]
    public string? Since { get; set; }

    [BindProperty(SupportsGet = true, Name = "until")]
    public string? Until { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public bool HasNext { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        PageNumber = Math.Clamp(PageNumber, 1, MaxExport / PageSize);
        if (Query(PageNumber * PageSize + 1) is not { } query)
        {
            return Refused();
        }

        var page = await query.Apply(database.AuditEvents.AsNoTracking())
            .Skip((PageNumber - 1) * PageSize).Take(PageSize + 1)
            .ToListAsync(HttpContext.RequestAborted);
        HasNext = page.Count > PageSize && PageNumber < MaxExport / PageSize;
        Events = page.Take(PageSize).ToList();
        return Page();
    }

    public async Task<IActionResult> OnGetCsvAsync()
    {
        if (Query(MaxExport) is not { } query)
        {
            return Refused();
        }

        // Streamed row by row: an export of the whole trail need not fit in memory.
        var name = $"audit-{Now.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.csv";
        var events = query.Apply(database.AuditEvents.AsNoTracking()).AsAsyncEnumerable();
        return new FileCallbackResult("text/csv; charset=utf-8", name, body => AuditFormat.WriteCsvAsync(events, body, HttpContext.RequestAborted));
    }

    /// <summary>The query from the filters; null (and <see cref="AdminPageModel.Error"/>) when a filter is not understood.</summary>
    private AuditQuery? Query(int limit)
    {
        UserFilter = string.IsNullOrWhiteSpace(UserFilter) ? null : UserFilter.Trim();
        Type = string.IsNullOrEmpty(Type) ? null : Type;
        if (UserFilter is { Length: > 256 })
        {
            Error = "The user filter is too long.";
            return null;
        }

        if (Type is not null && !AuditEventTypes.All.Contains(Type))
        {
            Error = $"Choose a type among {string.Join(", ", AuditEventTypes.All)}.";
            return null;
        }

        if (!TryDate(Since, out var since) || !TryDate(Until, out var until))
        {
            Error = "Dates are written 2026-11-24 (UTC).";
            return null;
        }

        return new AuditQuery
        {
            User = UserFilter,
            Type = Type,
            Since = since,
            // The end day is included: events before the next midnight.
            Until = until?.AddDays(1),
            Limit = Math.Clamp(limit, 1, AuditQuery.MaxLimit),
        };
    }

    private static bool TryDate(string? text, out DateTimeOffset? date)
    {
        date = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            date = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return true;
        }

        return false;
    }

    private PageResult Refused()
    {
        Events = [];
        var page = Page();
        page.StatusCode = StatusCodes.Status400BadRequest;
        return page;
    }
}
