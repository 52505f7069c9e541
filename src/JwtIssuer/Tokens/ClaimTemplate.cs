namespace JwtIssuer.Tokens;

/// <summary>A configured claim value: a literal, or text with <c>{userId}</c>, <c>{email}</c> and <c>{name}</c> placeholders.</summary>
internal sealed class ClaimTemplate
{
    private static readonly string[] Placeholders = ["{userId}", "{email}", "{name}"];
    private readonly string _template;
    private readonly bool _isLiteral;

    private ClaimTemplate(string template)
    {
        _template = template;
        _isLiteral = !template.Contains('{', StringComparison.Ordinal);
    }

    /// <summary>Parses a template, or explains which placeholder is unknown.</summary>
    public static ClaimTemplate? TryParse(string template, out string? error)
    {
        var withoutKnown = Placeholders.Aggregate(template, (text, placeholder) => text.Replace(placeholder, string.Empty, StringComparison.Ordinal));
        error = withoutKnown.IndexOfAny(['{', '}']) >= 0
            ? $"'{template}' has an unknown placeholder; use {string.Join(", ", Placeholders)} or a literal without braces"
            : null;
        return error is null ? new ClaimTemplate(template) : null;
    }

    public string Render(TokenSubject subject) => _isLiteral ? _template : _template
        .Replace("{userId}", subject.UserId, StringComparison.Ordinal)
        .Replace("{email}", subject.Email, StringComparison.Ordinal)
        .Replace("{name}", subject.Name ?? string.Empty, StringComparison.Ordinal);
}
