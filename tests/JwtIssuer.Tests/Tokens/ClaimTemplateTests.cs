using JwtIssuer.Tokens;

namespace JwtIssuer.Tests.Tokens;

public sealed class ClaimTemplateTests
{
    /// <summary>Values that look like templates: every placeholder, stray braces, and each other's placeholders.</summary>
    public static TheoryData<string, string, string?> HostileSubjects => new()
    {
        { "{email}", "{name}@corp.example", "ceo" },
        { "{name}", "{userId}@corp.example", "{email}" },
        { "{userId}{email}{name}", "a{b}c@corp.example", "{{name}}" },
        { "}{", "{email", "name}" },
        { "u-1", "agent@corp.example", "{userId} {email} {name} {unknown}" },
    };

    [Theory]
    [MemberData(nameof(HostileSubjects))]
    public void RendersAUsersValuesAsDataNeverAsTemplates(string userId, string email, string? name)
    {
        var subject = new TokenSubject(userId, email, name);

        Assert.Equal(email, Parse("{email}").Render(subject));
        Assert.Equal(userId, Parse("{userId}").Render(subject));
        Assert.Equal(name ?? string.Empty, Parse("{name}").Render(subject));
        Assert.Equal($"<{name}|{email}|{userId}>", Parse("<{name}|{email}|{userId}>").Render(subject));
        Assert.Equal($"{email}{email}", Parse("{email}{email}").Render(subject));
    }

    [Fact]
    public void TheReportedInjectionNoLongerWorks()
    {
        // A user whose email is "{name}@corp.example" and whose display name is "ceo" once got sub "ceo@corp.example".
        var subject = new TokenSubject("u-1", "{name}@corp.example", "ceo");

        Assert.Equal("{name}@corp.example", Parse("{email}").Render(subject));
    }

    [Theory]
    [InlineData("comm100")]
    [InlineData("")]
    [InlineData("urn:agents:blue")]
    public void ALiteralIsItself(string literal) =>
        Assert.Equal(literal, Parse(literal).Render(new TokenSubject("{userId}", "{email}", "{name}")));

    [Fact]
    public void AMissingNameRendersAsEmpty() =>
        Assert.Equal("Agent: ", Parse("Agent: {name}").Render(new TokenSubject("u-1", "a@example.com", null)));

    [Theory]
    [InlineData("{user}")]
    [InlineData("{Email}")]
    [InlineData("{email")]
    [InlineData("email}")]
    [InlineData("{{email}}")]
    [InlineData("{}")]
    [InlineData("a { b")]
    public void RefusesUnknownPlaceholdersAndStrayBraces(string template)
    {
        Assert.Null(ClaimTemplate.TryParse(template, out var error));
        Assert.Contains("unknown placeholder", error, StringComparison.Ordinal);
    }

    private static ClaimTemplate Parse(string template) =>
        ClaimTemplate.TryParse(template, out var error) ?? throw new InvalidOperationException(error);
}
