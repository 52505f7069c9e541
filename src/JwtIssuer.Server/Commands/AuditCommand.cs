using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using JwtIssuer.Server.Audit;
using JwtIssuer.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace JwtIssuer.Server.Commands;

/// <summary>
/// <c>audit [--user EMAIL] [--type token|sign-in|sign-out|user] [--since TIME] [--until TIME] [--limit N]
/// [--format table|json|csv]</c>: the audit trail, newest first.
/// </summary>
internal static partial class AuditCommand
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    public static Command Create()
    {
        var user = new Option<string?>("--user") { Description = "Only this agent's events (the email, or the account name as typed at sign-in).", HelpName = "EMAIL" };
        var type = new Option<string?>("--type") { Description = "Only events of this type.", HelpName = string.Join('|', AuditEventTypes.All) };
        type.AcceptOnlyFromAmong([.. AuditEventTypes.All]);
        var since = new Option<DateTimeOffset?>("--since")
        {
            Description = "Only events at or after this time: 2026-11-24, 2026-11-24T09:30 (UTC unless it says +02:00), or 30m, 12h, 7d ago.",
            HelpName = "TIME",
            CustomParser = ParseTime,
        };
        var until = new Option<DateTimeOffset?>("--until") { Description = "Only events before this time (same forms as --since).", HelpName = "TIME", CustomParser = ParseTime };
        var limit = new Option<int>("--limit") { Description = $"At most this many events, the newest.", HelpName = "N", DefaultValueFactory = _ => AuditQuery.DefaultLimit };
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > AuditQuery.MaxLimit)
            {
                result.AddError($"--limit must be between 1 and {AuditQuery.MaxLimit}.");
            }
        });
        var format = new Option<string>("--format") { Description = "table (for people), json or csv (for programs and spreadsheets).", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json", "csv");

        var audit = new Command("audit", "Show the audit trail, newest first: tokens issued, sign-ins, sign-outs, changes to users.")
        {
            user, type, since, until, limit, format,
        };
        audit.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(since) >= parse.GetValue(until))
            {
                await Console.Error.WriteLineAsync("--since must be before --until.");
                return CommandLine.UsageError;
            }

            var query = new AuditQuery
            {
                User = parse.GetValue(user),
                Type = parse.GetValue(type),
                Since = parse.GetValue(since),
                Until = parse.GetValue(until),
                Limit = parse.GetValue(limit),
            };

            await using var app = CommandLine.BuildHost();
            await app.Services.MigrateDatabaseAsync(ct);
            await using var scope = app.Services.CreateAsyncScope();
            var events = await query.Apply(scope.ServiceProvider.GetRequiredService<JwtIssuerDbContext>().AuditEvents.AsNoTracking()).ToListAsync(ct);
            var rows = events.Select(Row.Of).ToList();
            switch (parse.GetValue(format))
            {
                case "json":
                    Console.WriteLine(JsonSerializer.Serialize(rows, Json));
                    break;
                case "csv":
                    Console.Write(AuditFormat.Csv(events));
                    break;
                default:
                    WriteTable(rows, query.Limit);
                    break;
            }

            return CommandLine.Success;
        });
        return audit;
    }

    /// <summary>An ISO 8601 date or time (UTC unless it carries an offset), or a span back from now: 30m, 12h, 7d.</summary>
    private static DateTimeOffset? ParseTime(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value.Trim();
        if (RelativeTime().Match(text) is { Success: true } ago)
        {
            var amount = int.Parse(ago.Groups[1].Value, CultureInfo.InvariantCulture);
            var span = ago.Groups[2].Value switch
            {
                "m" => TimeSpan.FromMinutes(amount),
                "h" => TimeSpan.FromHours(amount),
                _ => TimeSpan.FromDays(amount),
            };
            return DateTimeOffset.UtcNow - span;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            && text.Length >= 10 && char.IsAsciiDigit(text[0]))
        {
            return time;
        }

        result.AddError($"{(result.Parent is OptionResult option ? option.Option.Name : "TIME")} '{text}' is not a time. Use 2026-11-24, 2026-11-24T09:30, 2026-11-24T09:30:00+02:00, or 30m, 12h, 7d (ago).");
        return null;
    }

    [GeneratedRegex(@"^([0-9]{1,6})([mhd])$", RegexOptions.CultureInvariant)]
    private static partial Regex RelativeTime();

    private static void WriteTable(List<Row> rows, int limit)
    {
        if (rows.Count == 0)
        {
            Console.Error.WriteLine("No audit events match.");
            return;
        }

        string[] headers = ["TIME (UTC)", "TYPE", "OUTCOME", "EMAIL", "CLIENT", "DETAILS"];
        var cells = rows.Select(row => new[]
        {
            row.Time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            row.Type,
            row.Outcome,
            row.Email ?? "-",
            row.ClientAddress ?? "-",
            row.Details,
        }).ToList();
        var widths = headers.Select((header, column) => cells.Max(line => line[column].Length) is var width && width > header.Length ? width : header.Length).ToArray();
        var output = new StringBuilder();
        foreach (var line in cells.Prepend(headers))
        {
            for (var column = 0; column < line.Length; column++)
            {
                output.Append(column == line.Length - 1 ? line[column] : line[column].PadRight(widths[column] + 2));
            }

            output.AppendLine();
        }

        Console.Write(output.ToString());
        if (rows.Count == limit)
        {
            Console.Error.WriteLine($"The newest {limit} shown; --limit for more.");
        }
    }

    /// <summary>One event as the command prints it; the time in UTC.</summary>
    private sealed record Row(
        DateTime Time, string Type, string Outcome, string? UserId, string? Email, string? Consumer, string? KeyId,
        string? TokenId, string? RedirectHost, string? ClientAddress, string? Reason, string? Actor)
    {
        [JsonIgnore]
        public string Details { get; private init; } = "";

        public static Row Of(AuditEvent e) => new(
            DateTime.SpecifyKind(e.Time, DateTimeKind.Utc), e.Type, e.Outcome, e.UserId, e.Email, e.Consumer, e.KeyId,
            e.TokenId, e.RedirectHost, e.ClientAddress, e.Reason, e.Actor) { Details = AuditFormat.Details(e) };
    }
}
