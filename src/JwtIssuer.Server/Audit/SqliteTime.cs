namespace JwtIssuer.Server.Audit;

/// <summary>
/// A time as EF Core's SQLite provider stores a <see cref="DateTime"/> (<c>yyyy-MM-dd HH:mm:ss.FFFFFFF</c>: trailing
/// zeros of the fraction dropped, and the dot with them), so rows written here and by EF Core compare and sort alike.
/// Written by hand: the custom format string costs more than the rest of a row's binding.
/// </summary>
internal static class SqliteTime
{
    public const int Length = 27;

    public static ReadOnlySpan<char> Format(DateTime time, Span<char> buffer)
    {
        Digits(buffer[..4], time.Year);
        buffer[4] = '-';
        Digits(buffer[5..7], time.Month);
        buffer[7] = '-';
        Digits(buffer[8..10], time.Day);
        buffer[10] = ' ';
        Digits(buffer[11..13], time.Hour);
        buffer[13] = ':';
        Digits(buffer[14..16], time.Minute);
        buffer[16] = ':';
        Digits(buffer[17..19], time.Second);
        var fraction = (int)(time.Ticks % TimeSpan.TicksPerSecond);
        if (fraction == 0)
        {
            return buffer[..19];
        }

        buffer[19] = '.';
        Digits(buffer[20..27], fraction);
        var end = Length;
        while (buffer[end - 1] == '0')
        {
            end--;
        }

        return buffer[..end];
    }

    private static void Digits(Span<char> span, int value)
    {
        for (var i = span.Length - 1; i >= 0; i--)
        {
            span[i] = (char)('0' + (value % 10));
            value /= 10;
        }
    }
}
