using System.Text.RegularExpressions;
using JwtIssuer.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace JwtIssuer.Tests.Documentation;

/// <summary>The reference pages keep up with the code: every setting the example names, every route the server maps.</summary>
public sealed partial class DocumentationTests
{
    /// <summary>Settings whose children are names the administrator chooses; the page writes them as placeholders.</summary>
    private static readonly Dictionary<string, string> Placeholders = new(StringComparer.Ordinal)
    {
        ["Consumers"] = "<name>",
        ["SigningKeys"] = "<id>",
        ["Claims"] = "<claim>",
    };

    [Fact]
    public void EverySettingOfTheExampleIsOnTheConfigurationPage()
    {
        var page = Read("docs/configuration.md");
        var example = new ConfigurationBuilder().AddJsonFile(Path.Combine(Repository(), "appsettings.example.json")).Build();

        var settings = example.AsEnumerable()
            .Where(setting => setting.Value is not null)
            .Select(setting => Documented(setting.Key))
            .Distinct()
            .ToList();

        Assert.NotEmpty(settings);
        Assert.All(settings, setting => Assert.True(page.Contains($"`{setting}`", StringComparison.Ordinal), $"docs/configuration.md does not document `{setting}`"));
    }

    [Fact]
    public void EveryRouteTheServerMapsIsOnTheRoutesPage()
    {
        var page = Read("docs/routes.md");
        using var app = new JwtIssuerApplication();

        var routes = app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Select(endpoint => "/" + OptionalParameter().Replace(endpoint.RoutePattern.RawText ?? string.Empty, string.Empty).Trim('/'))
            .Distinct()
            .ToList();

        Assert.Contains("/api/jwt", routes);
        Assert.All(routes, route => Assert.True(
            Regex.IsMatch(page, $"(?<=[\\s`]){Regex.Escape(route)}(?=[\\s`?/,]|$)"),
            $"docs/routes.md does not mention {route}"));
    }

    /// <summary>A configuration key as the page writes it: no array indices, placeholders for chosen names.</summary>
    private static string Documented(string key)
    {
        var segments = key.Split(':');
        var written = new List<string>();
        for (var i = 0; i < segments.Length; i++)
        {
            if (int.TryParse(segments[i], out _))
            {
                continue;
            }

            written.Add(i > 0 && Placeholders.TryGetValue(segments[i - 1], out var placeholder) ? placeholder : segments[i]);
        }

        return string.Join(':', written);
    }

    private static string Read(string path) => File.ReadAllText(Path.Combine(Repository(), path));

    private static string Repository()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "JwtIssuer.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("JwtIssuer.sln not found above the test's directory");
    }

    [GeneratedRegex(@"\{[^}]*\?\}")]
    private static partial Regex OptionalParameter();
}
