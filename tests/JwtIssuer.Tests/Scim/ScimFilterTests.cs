using JwtIssuer.Server.Scim;

namespace JwtIssuer.Tests.Scim;

/// <summary>
/// The SCIM filter and path parser (RFC 7644 sections 3.4.2.2 and 3.5.2), written here for want of a maintained
/// library: what Entra ID and Okta send parses to what they mean, and everything else is refused with a reason,
/// never an exception.
/// </summary>
public sealed class ScimFilterTests
{
    [Theory]
    // Okta's and Entra ID's lookups before creating a user (their documented SCIM test sequences).
    [InlineData("userName eq \"test.user@okta.local\"", "username", "eq", "test.user@okta.local")]
    [InlineData("userName eq \"Test_User_dfeef4c5-5681-4387-b016-bdf221e82081\"", "username", "eq", "Test_User_dfeef4c5-5681-4387-b016-bdf221e82081")]
    [InlineData("externalId eq \"0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef\"", "externalid", "eq", "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef")]
    [InlineData("emails.value eq \"agent@example.com\"", "emails.value", "eq", "agent@example.com")]
    // Attribute names and operators in any case, as RFC 7644 says they are.
    [InlineData("USERNAME EQ \"a@example.com\"", "username", "eq", "a@example.com")]
    [InlineData("userName Eq \"a@example.com\"", "username", "eq", "a@example.com")]
    [InlineData("userName sw \"a\"", "username", "sw", "a")]
    // The schema's URN in front of the attribute.
    [InlineData("urn:ietf:params:scim:schemas:core:2.0:User:userName eq \"a@example.com\"", "username", "eq", "a@example.com")]
    // JSON string escapes.
    [InlineData("displayName eq \"Ann \\\"The Admin\\\" O\\u2019Neil\"", "displayname", "eq", "Ann \"The Admin\" O\u2019Neil")]
    [InlineData("userName eq \"back\\\\slash\"", "username", "eq", "back\\slash")]
    // Extra spaces between tokens.
    [InlineData("  userName   eq   \"a@example.com\"  ", "username", "eq", "a@example.com")]
    public void ParsesOneComparison(string text, string name, string op, string value)
    {
        Assert.True(ScimFilter.TryParse(text, out var filter, out var error), error);
        var comparison = Assert.Single(filter!.AllOf);
        Assert.Equal((name, op, ScimValueKind.String, value), (comparison.Path.Name, comparison.Operator, comparison.Value!.Kind, comparison.Value.Text));
    }

    [Fact]
    public void ParsesAValueFilterWithASubAttribute()
    {
        Assert.True(ScimFilter.TryParse("emails[type eq \"work\"].value eq \"agent@example.com\"", out var filter, out var error), error);
        var comparison = Assert.Single(filter!.AllOf);
        Assert.Equal(("emails", "value"), (comparison.Path.Attribute, comparison.Path.SubAttribute));
        var inner = Assert.Single(comparison.Path.ValueFilter!.AllOf);
        Assert.Equal(("type", "eq", "work"), (inner.Path.Name, inner.Operator, inner.Value!.Text));
        Assert.Equal("agent@example.com", comparison.Value!.Text);
    }

    [Fact]
    public void ParsesComparisonsJoinedByAndPresenceAndOtherValueKinds()
    {
        Assert.True(ScimFilter.TryParse("userName eq \"a@example.com\" AND active eq true and meta.lastModified gt 2026 and title pr and manager eq null", out var filter, out var error), error);
        Assert.Equal(
            [("username", "eq", ScimValueKind.String), ("active", "eq", ScimValueKind.Boolean), ("meta.lastmodified", "gt", ScimValueKind.Number), ("title", "pr", (ScimValueKind?)null), ("manager", "eq", ScimValueKind.Null)],
            filter!.AllOf.Select(c => (c.Path.Name, c.Operator, c.Value?.Kind)));
    }

    [Theory]
    [InlineData(null, "empty")]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("userName", "Expected a space and an operator")]
    [InlineData("userName eq", "Expected a space and a value")]
    [InlineData("userName eq ", "Expected a value")]
    [InlineData("userName equals \"a\"", "'equals' is not a SCIM operator")]
    [InlineData("userName eq a@example.com", "put strings in double quotes")]
    [InlineData("userName eq \"unterminated", "no closing")]
    [InlineData("userName eq \"bad \\x escape\"", "is not an escape")]
    [InlineData("userName eq \"tab\tinside\"", "control character")]
    [InlineData("userName eq \"nul\0inside\"", "control character")]
    [InlineData("userName eq \"a\" or userName eq \"b\"", "'or', 'not' and parentheses are not")]
    [InlineData("not (userName eq \"a\")", "'or', 'not' and parentheses are not")]
    [InlineData("(userName eq \"a\")", "'or', 'not' and parentheses are not")]
    [InlineData("userName eq \"a\" and", "Expected an attribute name")]
    [InlineData("userName eq \"a\" \"b\"", "Unexpected text")]
    [InlineData("1userName eq \"a\"", "Expected an attribute name")]
    [InlineData("emails[type eq \"work\".value eq \"a\"", "has no ']'")]
    [InlineData("emails[type eq \"work\" or type eq \"home\"].value eq \"a\"", "only comparisons joined by 'and'")]
    [InlineData("emails[addresses[type eq \"x\"].value eq \"y\"].value eq \"a\"", "cannot be nested")]
    [InlineData("emails. eq \"a\"", "Expected a sub-attribute name")]
    public void RefusesWhatItDoesNotRecogniseWithAReason(string? text, string reason)
    {
        Assert.False(ScimFilter.TryParse(text, out var filter, out var error));
        Assert.Null(filter);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesOverlongFiltersAndTooManyComparisons()
    {
        Assert.False(ScimFilter.TryParse($"userName eq \"{new string('a', ScimFilter.MaxLength)}\"", out _, out var tooLong));
        Assert.Contains("longer than", tooLong, StringComparison.Ordinal);
        var nine = string.Join(" and ", Enumerable.Repeat("userName eq \"a\"", ScimFilter.MaxComparisons + 1));
        Assert.False(ScimFilter.TryParse(nine, out _, out var tooMany));
        Assert.Contains("more than 8 comparisons", tooMany, StringComparison.Ordinal);
        Assert.True(ScimFilter.TryParse(string.Join(" and ", Enumerable.Repeat("userName eq \"a\"", ScimFilter.MaxComparisons)), out _, out _));
    }

    [Theory]
    // The PATCH paths Entra ID sends (Microsoft's SCIM validator request samples) and simple ones.
    [InlineData("active", null, "active", null, null)]
    [InlineData("displayName", null, "displayName", null, null)]
    [InlineData("name.givenName", null, "name", null, "givenName")]
    [InlineData("emails[type eq \"work\"].value", null, "emails", "work", "value")]
    [InlineData("addresses[type eq \"work\"].streetAddress", null, "addresses", "work", "streetAddress")]
    [InlineData("emails[type eq \"work\"]", null, "emails", "work", null)]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "employeeNumber", null, null)]
    [InlineData("urn:ietf:params:scim:schemas:core:2.0:User:name.familyName", "urn:ietf:params:scim:schemas:core:2.0:User", "name", null, "familyName")]
    public void ParsesPatchPaths(string text, string? schema, string attribute, string? filterValue, string? subAttribute)
    {
        Assert.True(ScimPath.TryParse(text, out var path, out var error), error);
        Assert.Equal((schema, attribute, subAttribute), (path!.Schema, path.Attribute, path.SubAttribute));
        Assert.Equal(filterValue, path.ValueFilter?.AllOf.Single().Value!.Text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("name.")]
    [InlineData("name givenName")]
    [InlineData("emails[type eq \"work\"")]
    [InlineData("emails[type eq work].value")]
    [InlineData("emails[type eq \"work\"]value")]
    [InlineData("name.givenName.more")]
    [InlineData("-name")]
    public void RefusesMalformedPatchPaths(string text)
    {
        Assert.False(ScimPath.TryParse(text, out var path, out var error));
        Assert.Null(path);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void RandomInputIsRefusedOrParsedNeverThrown()
    {
        var random = new Random(21);
        const string alphabet = "abcdeuqrsnt:.[]()\"\\ 0123456789-_$\0\u00e9\ud800";
        for (var i = 0; i < 20_000; i++)
        {
            var text = new string(Enumerable.Range(0, random.Next(0, 60)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            // Either answer is fine; an exception is not.
            _ = ScimFilter.TryParse(text, out _, out _);
            _ = ScimPath.TryParse(text, out _, out _);
        }

        // Fragments of a real filter, cut at every position.
        const string real = "emails[type eq \"work\"].value eq \"a\\\"b@example.com\" and urn:ietf:params:scim:schemas:core:2.0:User:active eq true";
        for (var cut = 0; cut <= real.Length; cut++)
        {
            _ = ScimFilter.TryParse(real[..cut], out _, out _);
            _ = ScimPath.TryParse(real[..cut], out _, out _);
        }

        Assert.True(ScimFilter.TryParse(real, out var filter, out _));
        Assert.Equal(2, filter!.AllOf.Count);
    }
}
