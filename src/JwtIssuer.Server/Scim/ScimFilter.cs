using System.Globalization;
using System.Text;

namespace JwtIssuer.Server.Scim;

/// <summary>
/// A SCIM filter (RFC 7644 section 3.4.2.2), the part of the grammar identity providers send for Users: comparisons
/// (<c>userName eq "a@example.com"</c>, <c>active pr</c>) joined by <c>and</c>, on attribute paths that may carry a value
/// filter (<c>emails[type eq "work"].value</c>) or the schema's URN (<c>urn:ietf:params:scim:schemas:core:2.0:User:userName</c>).
/// Written here because no maintained .NET library parses SCIM filters; <c>or</c>, <c>not</c> and parentheses are refused
/// as <c>invalidFilter</c> with a message, never guessed at.
/// </summary>
internal sealed record ScimFilter(IReadOnlyList<ScimComparison> AllOf)
{
    /// <summary>Longer filters are refused: no client needs them, and every character is parsed.</summary>
    public const int MaxLength = 1024;

    /// <summary>At most this many comparisons joined by <c>and</c>.</summary>
    public const int MaxComparisons = 8;

    /// <summary>Parses <paramref name="text"/>; on failure, <paramref name="error"/> says why (for the SCIM error's detail).</summary>
    public static bool TryParse(string? text, out ScimFilter? filter, out string? error)
    {
        filter = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "The filter is empty.";
            return false;
        }

        if (text.Length > MaxLength)
        {
            error = $"The filter is longer than {MaxLength} characters.";
            return false;
        }

        var reader = new ScimReader(text);
        var comparisons = new List<ScimComparison>();
        do
        {
            if (comparisons.Count == MaxComparisons)
            {
                error = $"The filter joins more than {MaxComparisons} comparisons.";
                return false;
            }

            if (!reader.TryComparison(out var comparison, out error))
            {
                return false;
            }

            comparisons.Add(comparison!);
        }
        while (reader.TryKeyword("and"));

        if (!reader.AtEnd)
        {
            error = reader.TryKeyword("or") || reader.TryKeyword("not") || reader.Peek() is '(' or ')'
                ? ScimReader.OnlyAnd
                : $"Unexpected text at position {reader.Position + 1}.";
            return false;
        }

        filter = new ScimFilter(comparisons);
        error = null;
        return true;
    }
}

/// <summary>One comparison: a path, an operator (lower case) and, except for <c>pr</c>, a value.</summary>
internal sealed record ScimComparison(ScimPath Path, string Operator, ScimValue? Value);

/// <summary>
/// An attribute path (RFC 7644 section 3.10 and the PATCH <c>path</c> of section 3.5.2): an attribute, a sub-attribute
/// (<c>name.givenName</c>), a value filter (<c>emails[type eq "work"]</c>), or a value filter and a sub-attribute
/// (<c>emails[type eq "work"].value</c>). Names as sent; compare them case-insensitively.
/// </summary>
internal sealed record ScimPath(string? Schema, string Attribute, ScimFilter? ValueFilter, string? SubAttribute)
{
    /// <summary>Parses a PATCH operation's <c>path</c>; on failure, <paramref name="error"/> says why (<c>invalidPath</c>).</summary>
    public static bool TryParse(string? text, out ScimPath? path, out string? error)
    {
        path = null;
        if (string.IsNullOrWhiteSpace(text) || text.Length > ScimFilter.MaxLength)
        {
            error = "The path is empty or too long.";
            return false;
        }

        var reader = new ScimReader(text);
        if (!reader.TryPath(allowValueFilter: true, out path, out error))
        {
            return false;
        }

        if (!reader.AtEnd)
        {
            path = null;
            error = $"Unexpected text in the path at position {reader.Position + 1}.";
            return false;
        }

        return true;
    }

    /// <summary>The path as the attribute and sub-attribute name, lower case, without the schema: <c>name.givenname</c>.</summary>
    public string Name => SubAttribute is null ? Attribute.ToLowerInvariant() : $"{Attribute.ToLowerInvariant()}.{SubAttribute.ToLowerInvariant()}";
}

/// <summary>A comparison's value: a string, a number (kept as written), <c>true</c>, <c>false</c> or <c>null</c>.</summary>
internal sealed record ScimValue(ScimValueKind Kind, string? Text)
{
    public static readonly ScimValue True = new(ScimValueKind.Boolean, "true");
    public static readonly ScimValue False = new(ScimValueKind.Boolean, "false");
    public static readonly ScimValue Null = new(ScimValueKind.Null, null);
}

internal enum ScimValueKind
{
    String,
    Number,
    Boolean,
    Null,
}

/// <summary>A cursor over a filter or path: the grammar's pieces, each refusing what it does not recognise.</summary>
internal sealed class ScimReader(string text)
{
    /// <summary>What a filter with <c>or</c>, <c>not</c> or parentheses is told.</summary>
    public const string OnlyAnd = "Only comparisons joined by 'and' are supported here ('or', 'not' and parentheses are not).";

    private const string SchemaPrefix = "urn:";

    private static readonly string[] Operators = ["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"];

    public int Position { get; private set; }

    public bool AtEnd
    {
        get
        {
            SkipSpaces();
            return Position == text.Length;
        }
    }

    public char? Peek()
    {
        SkipSpaces();
        return Position < text.Length ? text[Position] : null;
    }

    /// <summary>The keyword (any case) followed by a space or the end, skipped; false (nothing skipped) otherwise.</summary>
    public bool TryKeyword(string keyword)
    {
        SkipSpaces();
        var end = Position + keyword.Length;
        if (end <= text.Length && string.Compare(text, Position, keyword, 0, keyword.Length, StringComparison.OrdinalIgnoreCase) == 0 && (end == text.Length || text[end] == ' '))
        {
            Position = end;
            return true;
        }

        return false;
    }

    public bool TryComparison(out ScimComparison? comparison, out string? error)
    {
        comparison = null;
        SkipSpaces();
        if (Peek() is '(' || TryKeyword("not"))
        {
            error = OnlyAnd;
            return false;
        }

        if (!TryPath(allowValueFilter: true, out var path, out error))
        {
            return false;
        }

        if (!TrySpace())
        {
            error = $"Expected a space and an operator at position {Position + 1}.";
            return false;
        }

        var word = Word();
        var op = word.ToLowerInvariant();
        if (op == "pr")
        {
            comparison = new ScimComparison(path!, op, null);
            return true;
        }

        if (!Operators.Contains(op))
        {
            error = word.Length == 0 ? $"Expected an operator at position {Position + 1}." : $"'{word}' is not a SCIM operator.";
            return false;
        }

        if (!TrySpace())
        {
            error = $"Expected a space and a value after '{word}'.";
            return false;
        }

        if (!TryValue(out var value, out error))
        {
            return false;
        }

        comparison = new ScimComparison(path!, op, value);
        return true;
    }

    public bool TryPath(bool allowValueFilter, out ScimPath? path, out string? error)
    {
        path = null;
        SkipSpaces();
        string? schema = null;
        if (text.AsSpan(Position).StartsWith(SchemaPrefix, StringComparison.OrdinalIgnoreCase))
        {
            // The URN runs to its last ':' before the attribute name: urn:ietf:params:scim:schemas:core:2.0:User:userName.
            var end = Position;
            while (end < text.Length && text[end] is not (' ' or '[' or ']' or '"'))
            {
                end++;
            }

            var colon = text.LastIndexOf(':', end - 1, end - Position);
            schema = text[Position..colon];
            Position = colon + 1;
        }

        var attribute = Name();
        if (attribute is null)
        {
            error = $"Expected an attribute name at position {Position + 1}.";
            return false;
        }

        ScimFilter? valueFilter = null;
        if (Position < text.Length && text[Position] == '[')
        {
            if (!allowValueFilter)
            {
                error = "A value filter cannot be nested in another.";
                return false;
            }

            var close = text.IndexOf(']', Position);
            if (close < 0)
            {
                error = "A value filter's '[' has no ']'.";
                return false;
            }

            // The inner filter: comparisons on the sub-attributes, no deeper brackets.
            var inner = new ScimReader(text[(Position + 1)..close]);
            var comparisons = new List<ScimComparison>();
            do
            {
                if (!inner.TryInnerComparison(out var comparison, out error))
                {
                    return false;
                }

                comparisons.Add(comparison!);
            }
            while (comparisons.Count < ScimFilter.MaxComparisons && inner.TryKeyword("and"));

            if (!inner.AtEnd)
            {
                error = "A value filter holds only comparisons joined by 'and'.";
                return false;
            }

            valueFilter = new ScimFilter(comparisons);
            Position = close + 1;
        }

        string? subAttribute = null;
        if (Position < text.Length && text[Position] == '.')
        {
            Position++;
            subAttribute = Name();
            if (subAttribute is null)
            {
                error = $"Expected a sub-attribute name after '.' at position {Position + 1}.";
                return false;
            }
        }

        path = new ScimPath(schema, attribute, valueFilter, subAttribute);
        error = null;
        return true;
    }

    private bool TryInnerComparison(out ScimComparison? comparison, out string? error)
    {
        comparison = null;
        var start = Position;
        SkipSpaces();
        if (text.AsSpan(Position).Contains('['))
        {
            Position = start;
            error = "A value filter cannot be nested in another.";
            return false;
        }

        return TryComparison(out comparison, out error);
    }

    private bool TryValue(out ScimValue? value, out string? error)
    {
        value = null;
        error = null;
        if (Position < text.Length && text[Position] == '"')
        {
            return TryString(out value, out error);
        }

        var word = Word();
        switch (word.ToLowerInvariant())
        {
            case "true":
                value = ScimValue.True;
                return true;
            case "false":
                value = ScimValue.False;
                return true;
            case "null":
                value = ScimValue.Null;
                return true;
        }

        if (word.Length > 0 && decimal.TryParse(word, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out _))
        {
            value = new ScimValue(ScimValueKind.Number, word);
            return true;
        }

        error = word.Length == 0 ? $"Expected a value at position {Position + 1}." : $"'{word}' is not a value: put strings in double quotes.";
        return false;
    }

    /// <summary>A JSON string (RFC 8259): escapes decoded, control characters refused.</summary>
    private bool TryString(out ScimValue? value, out string? error)
    {
        value = null;
        var result = new StringBuilder();
        Position++;
        while (Position < text.Length)
        {
            var c = text[Position++];
            if (c == '"')
            {
                value = new ScimValue(ScimValueKind.String, result.ToString());
                error = null;
                return true;
            }

            if (char.IsControl(c))
            {
                error = "A string value holds a control character.";
                return false;
            }

            if (c != '\\')
            {
                result.Append(c);
                continue;
            }

            if (Position >= text.Length)
            {
                break;
            }

            var escaped = text[Position++];
            switch (escaped)
            {
                case '"' or '\\' or '/':
                    result.Append(escaped);
                    break;
                case 'b':
                    result.Append('\b');
                    break;
                case 'f':
                    result.Append('\f');
                    break;
                case 'n':
                    result.Append('\n');
                    break;
                case 'r':
                    result.Append('\r');
                    break;
                case 't':
                    result.Append('\t');
                    break;
                case 'u' when Position + 4 <= text.Length && ushort.TryParse(text.AsSpan(Position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code):
                    result.Append((char)code);
                    Position += 4;
                    break;
                default:
                    error = $"'\\{escaped}' is not an escape in a string value.";
                    return false;
            }
        }

        error = "A string value has no closing '\"'.";
        return false;
    }

    /// <summary>ATTRNAME: a letter, then letters, digits, '-' and '_' (RFC 7643 section 2.1); null if none here.</summary>
    private string? Name()
    {
        var start = Position;
        if (Position >= text.Length || !char.IsAsciiLetter(text[Position]))
        {
            return null;
        }

        while (Position < text.Length && (char.IsAsciiLetterOrDigit(text[Position]) || text[Position] is '-' or '_' or '$'))
        {
            Position++;
        }

        return text[start..Position];
    }

    /// <summary>Everything up to the next space, bracket or end: an operator or a bare value.</summary>
    private string Word()
    {
        var start = Position;
        while (Position < text.Length && text[Position] is not (' ' or ']' or '[' or '(' or ')'))
        {
            Position++;
        }

        return text[start..Position];
    }

    private bool TrySpace()
    {
        if (Position < text.Length && text[Position] == ' ')
        {
            SkipSpaces();
            return true;
        }

        return false;
    }

    private void SkipSpaces()
    {
        while (Position < text.Length && text[Position] == ' ')
        {
            Position++;
        }
    }
}
