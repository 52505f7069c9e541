using System.Globalization;
using System.Text;

namespace JwtIssuer.Server.Audit;

/// <summary>The audit trail as people and spreadsheets read it: the same for <c>jwt-issuer audit</c> and the admin pages.</summary>
public static class AuditFormat
{
    /// <summary>The CSV header; one column per field of <see cref="AuditEvent"/>, the time first.</summary>
    public const string CsvHeader = "time,type,outcome,userId,email,consumer,keyId,tokenId,redirectHost,clientAddress,reason,actor";

    /// <summary>What the time, type, outcome, email and client columns do not say, by type.</summary>
    public static string Details(AuditEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var parts = e.Type switch
        {
            AuditEventTypes.Token => [$"consumer {e.Consumer}", $"kid {e.KeyId}", $"jti {e.TokenId}", $"to {e.RedirectHost}"],
            AuditEventTypes.User or AuditEventTypes.ScimToken => [e.Actor is null ? null : $"by {e.Actor}", e.Reason],
            _ => new[] { e.Reason },
        };
        return string.Join("; ", parts.Where(part => !string.IsNullOrEmpty(part)));
    }

    /// <summary>RFC 4180 with a header, every column; a value a spreadsheet would run as a formula is prefixed with an apostrophe.</summary>
    public static string Csv(IEnumerable<AuditEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var output = new StringBuilder(CsvHeader).Append("\r\n");
        foreach (var e in events)
        {
            output.Append(CsvLine(e)).Append("\r\n");
        }

        return output.ToString();
    }

    /// <summary>As <see cref="Csv"/>, written to <paramref name="stream"/> (UTF-8) as the events arrive.</summary>
    public static async Task WriteCsvAsync(IAsyncEnumerable<AuditEvent> events, Stream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        await using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024, leaveOpen: true) { NewLine = "\r\n" };
        await writer.WriteLineAsync(CsvHeader);
        await foreach (var e in events.WithCancellation(cancellationToken))
        {
            await writer.WriteLineAsync(CsvLine(e));
        }
    }

    private static string CsvLine(AuditEvent e)
    {
        string?[] values =
        [
            DateTime.SpecifyKind(e.Time, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture), e.Type, e.Outcome,
            e.UserId, e.Email, e.Consumer, e.KeyId, e.TokenId, e.RedirectHost, e.ClientAddress, e.Reason, e.Actor,
        ];
        return string.Join(',', values.Select(CsvValue));
    }

    internal static string CsvValue(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        // An account name typed at the sign-in form is anyone's: "=HYPERLINK(...)" must stay text in a spreadsheet.
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
    }
}
