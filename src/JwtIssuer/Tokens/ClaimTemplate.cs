namespace JwtIssuer.Tokens;

/// <summary>
/// A configured claim value: a literal, or text with <c>{userId}</c>, <c>{email}</c> and <c>{name}</c> placeholders.
/// Split into segments once, when configuration is read; rendering writes each segment once, in one pass, so a
/// user's value is always data: an email such as <c>{name}@corp.example</c> or a display name holding
/// <c>{email}</c> comes out exactly as it is, never expanded again.
/// </summary>
internal sealed class ClaimTemplate
{
    private static readonly string[] Placeholders = ["{userId}", "{email}", "{name}"];

    private readonly Segment[] _segments;
    private readonly string? _literal;

    private ClaimTemplate(string text, Segment[] segments)
    {
        Text = text;
        _segments = segments;
        _literal = segments switch
        {
            [] => string.Empty,
            [{ Kind: SegmentKind.Literal } only] => only.Text,
            _ => null,
        };
    }

    /// <summary>The template as configured.</summary>
    public string Text { get; }

    private enum SegmentKind
    {
        Literal,
        UserId,
        Email,
        Name,
    }

    /// <summary>Parses a template, or explains which placeholder is unknown.</summary>
    public static ClaimTemplate? TryParse(string template, out string? error)
    {
        ArgumentNullException.ThrowIfNull(template);
        var segments = new List<Segment>();
        var position = 0;
        while (position < template.Length)
        {
            var brace = template.IndexOfAny(['{', '}'], position);
            if (brace < 0)
            {
                segments.Add(new Segment(SegmentKind.Literal, template[position..]));
                break;
            }

            if (brace > position)
            {
                segments.Add(new Segment(SegmentKind.Literal, template[position..brace]));
            }

            var close = template[brace] == '{' ? template.IndexOf('}', brace) : -1;
            var kind = close < 0 ? (SegmentKind?)null : template[brace..(close + 1)] switch
            {
                "{userId}" => SegmentKind.UserId,
                "{email}" => SegmentKind.Email,
                "{name}" => SegmentKind.Name,
                _ => null,
            };
            if (kind is null)
            {
                error = $"'{template}' has an unknown placeholder; use {string.Join(", ", Placeholders)} or a literal without braces";
                return null;
            }

            segments.Add(new Segment(kind.Value, string.Empty));
            position = close + 1;
        }

        error = null;
        return new ClaimTemplate(template, [.. segments]);
    }

    /// <summary>The claim value for <paramref name="subject"/>: each placeholder replaced by the subject's value, once.</summary>
    public string Render(TokenSubject subject)
    {
        if (_literal is not null)
        {
            return _literal;
        }

        if (_segments.Length == 1)
        {
            return ValueOf(_segments[0], subject);
        }

        var parts = new string[_segments.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = ValueOf(_segments[i], subject);
        }

        return string.Concat(parts);
    }

    private static string ValueOf(Segment segment, TokenSubject subject) => segment.Kind switch
    {
        SegmentKind.UserId => subject.UserId,
        SegmentKind.Email => subject.Email,
        SegmentKind.Name => subject.Name ?? string.Empty,
        _ => segment.Text,
    };

    private readonly record struct Segment(SegmentKind Kind, string Text);
}
