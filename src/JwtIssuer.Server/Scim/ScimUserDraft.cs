using System.Net.Mail;
using System.Text.Json;
using JwtIssuer.Server.Users;

namespace JwtIssuer.Server.Scim;

/// <summary>
/// The SCIM User attributes an agent keeps, as a request would leave them: read from a POST or PUT body, or from the
/// agent and then changed by a PATCH's operations. Attributes the service does not keep (phone numbers, addresses, the
/// enterprise extension, ...) are accepted and ignored, so an identity provider's default mappings do not fail.
/// </summary>
/// <remarks>
/// The agent's email, the claim Comm100 matches, is the <c>work</c> email (the primary one among several), else the
/// primary one, else <c>userName</c> when it is an email address. The name is <c>displayName</c>, else
/// <c>name.formatted</c>, else the given and family names.
/// </remarks>
internal sealed class ScimUserDraft
{
    /// <summary>The most operations one PATCH may carry.</summary>
    public const int MaxOperations = 100;

    public string? UserName { get; private set; }

    public string? ExternalId { get; private set; }

    public string? DisplayName { get; private set; }

    /// <summary>Whether the request said what <see cref="DisplayName"/> is (otherwise a derived name may follow the names).</summary>
    public bool DisplayNameGiven { get; private set; }

    public string? GivenName { get; private set; }

    public string? FamilyName { get; private set; }

    public string? FormattedName { get; private set; }

    /// <summary>The email chosen from <c>emails</c>; null with <see cref="EmailGiven"/> means none (then <c>userName</c>).</summary>
    public string? Email { get; private set; }

    /// <summary>Whether the request said anything about the email.</summary>
    public bool EmailGiven { get; private set; }

    /// <summary><c>active</c>, when the request gave it.</summary>
    public bool? Active { get; private set; }

    /// <summary>The name an agent gets from the SCIM name attributes when no <c>displayName</c> is given.</summary>
    public string? DerivedName => FormattedName ?? DerivedFrom(GivenName, FamilyName);

    public static string? DerivedFrom(string? givenName, string? familyName) =>
        string.Join(' ', new[] { givenName, familyName }.OfType<string>()) is { Length: > 0 } joined ? joined : null;

    /// <summary>Whether <paramref name="value"/> is a plain email address (<c>local@domain</c>, nothing around it).</summary>
    public static bool IsEmail(string? value) =>
        value is { Length: > 2 and <= 256 } && MailAddress.TryCreate(value, out var address) && address.Address == value && address.DisplayName.Length == 0;

    /// <summary>A whole user, as POST creates and PUT replaces it: what the body leaves out is unassigned, except <c>active</c>.</summary>
    public static ScimUserDraft FromResource(JsonElement body)
    {
        var draft = new ScimUserDraft { DisplayNameGiven = true, EmailGiven = true };
        foreach (var attribute in ScimJson.Attributes(body))
        {
            switch (attribute.Name.ToLowerInvariant())
            {
                case "username":
                    draft.UserName = ScimJson.String(attribute.Value, "userName");
                    break;
                case "externalid":
                    draft.ExternalId = ScimJson.String(attribute.Value, "externalId");
                    break;
                case "displayname":
                    draft.DisplayName = ScimJson.String(attribute.Value, "displayName");
                    break;
                case "active":
                    draft.Active = attribute.Value.ValueKind == JsonValueKind.Null ? null : ScimJson.Boolean(attribute.Value, "active");
                    break;
                case "name":
                    draft.MergeName(attribute.Value);
                    break;
                case "emails":
                    draft.Email = ChooseEmail(attribute.Value);
                    break;
            }
        }

        return draft;
    }

    /// <summary>The agent as SCIM sees them, to be changed by a PATCH.</summary>
    public static ScimUserDraft Of(User user) => new()
    {
        UserName = user.ScimUserName ?? user.Email,
        ExternalId = user.ExternalId,
        DisplayName = user.DisplayName,
        GivenName = user.GivenName,
        FamilyName = user.FamilyName,
        Email = user.Email,
        Active = !user.IsDisabled,
    };

    /// <summary>
    /// Applies a PatchOp's operations (RFC 7644 section 3.5.2) in order. <c>op</c> in any case (Entra ID sends
    /// <c>Replace</c>); an operation without a path takes an object whose keys are paths (<c>active</c>,
    /// <c>name.givenName</c>, a schema-qualified name), as Okta and Entra ID send.
    /// </summary>
    public void Patch(JsonElement body)
    {
        if (!ScimJson.TryGet(body, "Operations", out var operations) || operations.ValueKind != JsonValueKind.Array || operations.GetArrayLength() == 0)
        {
            throw ScimException.InvalidSyntax("A PATCH needs 'Operations', a list of operations.");
        }

        if (operations.GetArrayLength() > MaxOperations)
        {
            throw ScimException.InvalidSyntax($"A PATCH may carry at most {MaxOperations} operations.");
        }

        foreach (var operation in operations.EnumerateArray())
        {
            if (operation.ValueKind != JsonValueKind.Object)
            {
                throw ScimException.InvalidSyntax("Each operation must be an object.");
            }

            var op = ScimJson.TryGet(operation, "op", out var opValue) && opValue.ValueKind == JsonValueKind.String ? opValue.GetString()!.ToLowerInvariant() : null;
            if (op is not ("add" or "replace" or "remove"))
            {
                throw ScimException.InvalidSyntax("Each operation's 'op' must be add, replace or remove.");
            }

            var hasValue = ScimJson.TryGet(operation, "value", out var value);
            if (ScimJson.TryGet(operation, "path", out var pathValue) && pathValue.ValueKind != JsonValueKind.Null)
            {
                var text = pathValue.ValueKind == JsonValueKind.String ? pathValue.GetString() : null;
                if (!ScimPath.TryParse(text, out var path, out var error))
                {
                    throw ScimException.InvalidPath(error!);
                }

                if (op != "remove" && !hasValue)
                {
                    throw ScimException.InvalidValue($"The {op} of '{text}' has no value.");
                }

                Apply(op, path!, value);
            }
            else if (op == "remove")
            {
                throw new ScimException(StatusCodes.Status400BadRequest, "noTarget", "A remove needs a path.");
            }
            else if (!hasValue || value.ValueKind != JsonValueKind.Object)
            {
                throw ScimException.InvalidValue($"An {op} without a path needs an object of attributes as its value.");
            }
            else
            {
                foreach (var attribute in ScimJson.Attributes(value))
                {
                    if (!ScimPath.TryParse(attribute.Name, out var path, out var error))
                    {
                        throw ScimException.InvalidPath(error!);
                    }

                    Apply(op, path!, attribute.Value);
                }
            }
        }
    }

    private void Apply(string op, ScimPath path, JsonElement value)
    {
        if (path.Schema is not null && !string.Equals(path.Schema, ScimSchemas.User, StringComparison.OrdinalIgnoreCase))
        {
            return; // an extension's attribute (enterprise, a provider's own): not kept
        }

        var remove = op == "remove";
        var attribute = path.Attribute.ToLowerInvariant();
        if (path.ValueFilter is not null && attribute != "emails")
        {
            return; // phoneNumbers[type eq "work"].value and the like: not kept
        }

        switch (attribute)
        {
            case "username" when path.SubAttribute is null:
                UserName = remove ? throw ScimException.InvalidValue("userName cannot be removed.") : ScimJson.String(value, "userName") ?? throw ScimException.InvalidValue("userName cannot be empty.");
                break;
            case "externalid" when path.SubAttribute is null:
                ExternalId = remove ? null : ScimJson.String(value, "externalId");
                break;
            case "displayname" when path.SubAttribute is null:
                DisplayName = remove ? null : ScimJson.String(value, "displayName");
                DisplayNameGiven = true;
                break;
            case "active" when path.SubAttribute is null:
                Active = remove ? throw ScimException.InvalidValue("active cannot be removed.") : ScimJson.Boolean(value, "active");
                break;
            case "name" when path.SubAttribute is null:
                if (remove || value.ValueKind == JsonValueKind.Null)
                {
                    (GivenName, FamilyName, FormattedName) = (null, null, null);
                }
                else
                {
                    MergeName(value);
                }

                break;
            case "name":
                SetName(path.SubAttribute!.ToLowerInvariant(), remove ? null : value);
                break;
            case "emails":
                PatchEmails(op, path, value);
                break;
        }
    }

    private void MergeName(JsonElement name)
    {
        if (name.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (name.ValueKind != JsonValueKind.Object)
        {
            throw ScimException.InvalidValue("'name' must be an object.");
        }

        foreach (var part in ScimJson.Attributes(name))
        {
            SetName(part.Name.ToLowerInvariant(), part.Value);
        }
    }

    private void SetName(string part, JsonElement? value)
    {
        string? Text(string attribute) => value is { } given ? ScimJson.String(given, attribute) : null;
        switch (part)
        {
            case "givenname":
                GivenName = Text("name.givenName");
                break;
            case "familyname":
                FamilyName = Text("name.familyName");
                break;
            case "formatted":
                FormattedName = Text("name.formatted");
                break;
        }
    }

    private void PatchEmails(string op, ScimPath path, JsonElement value)
    {
        var remove = op == "remove";
        var sub = path.SubAttribute?.ToLowerInvariant();
        if (path.ValueFilter is { } filter)
        {
            // emails[type eq "work"]: the one email kept is the work and primary one; a filter naming another ("home") is not kept.
            if (!SelectsAgentEmail(filter, Email))
            {
                return;
            }

            if (sub is null)
            {
                SetEmail(remove ? null : value.ValueKind == JsonValueKind.Object && ScimJson.TryGet(value, "value", out var inner) ? ScimJson.String(inner, "emails.value") : Email);
            }
            else if (sub == "value")
            {
                SetEmail(remove ? null : ScimJson.String(value, "emails.value"));
            }

            return;
        }

        if (sub == "value")
        {
            SetEmail(remove ? null : ScimJson.String(value, "emails.value"));
        }
        else if (sub is null)
        {
            var chosen = remove ? null : ChooseEmail(value.ValueKind == JsonValueKind.Object ? JsonSerializer.SerializeToElement(new[] { value }) : value);
            if (op == "replace" || remove || chosen is not null)
            {
                SetEmail(chosen);
            }
        }
    }

    private void SetEmail(string? email) => (Email, EmailGiven) = (email, true);

    /// <summary>
    /// Whether a value filter on <c>emails</c> picks the agent's email, which counts as <c>type</c> "work" and
    /// <c>primary</c> true: every comparison is <c>eq</c> on one of those, or on the value itself.
    /// </summary>
    public static bool SelectsAgentEmail(ScimFilter filter, string? email) => filter.AllOf.All(comparison =>
        comparison is { Operator: "eq", Value: { } value } && comparison.Path.Name switch
        {
            "type" => value.Kind == ScimValueKind.String && string.Equals(value.Text, "work", StringComparison.OrdinalIgnoreCase),
            "primary" => value.Kind == ScimValueKind.Boolean && value.Text == "true",
            "value" => value.Kind == ScimValueKind.String && email is not null && string.Equals(value.Text, email, StringComparison.OrdinalIgnoreCase),
            _ => false,
        });

    /// <summary>The work email (the primary one if several), else the primary one, else null.</summary>
    private static string? ChooseEmail(JsonElement emails)
    {
        if (emails.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (emails.ValueKind != JsonValueKind.Array)
        {
            throw ScimException.InvalidValue("'emails' must be a list.");
        }

        var entries = new List<(string? Value, bool Work, bool Primary)>();
        foreach (var entry in emails.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object)
            {
                throw ScimException.InvalidValue("Each of 'emails' must be an object.");
            }

            var type = ScimJson.TryGet(entry, "type", out var t) ? ScimJson.String(t, "emails.type") : null;
            var primary = ScimJson.TryGet(entry, "primary", out var p) && p.ValueKind != JsonValueKind.Null && ScimJson.Boolean(p, "emails.primary");
            var address = ScimJson.TryGet(entry, "value", out var v) ? ScimJson.String(v, "emails.value") : null;
            entries.Add((address, string.Equals(type, "work", StringComparison.OrdinalIgnoreCase), primary));
        }

        return entries.Where(e => e.Value is not null).OrderBy(e => (e.Work, e.Primary) switch
        {
            (true, true) => 0,
            (true, false) => 1,
            (false, true) => 2,
            _ => 3,
        }).FirstOrDefault(e => e.Work || e.Primary).Value;
    }
}
