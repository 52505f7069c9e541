using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using JwtIssuer.Tests.Infrastructure;
using JwtIssuer.Tests.Sso;
using Microsoft.AspNetCore.WebUtilities;

namespace JwtIssuer.Tests.BadInput;

/// <summary>
/// The Zendesk and Freshworks entry parameters (<c>return_to</c>, <c>redirect_uri</c>, <c>state</c>, <c>nonce</c>),
/// mutated at random from real values and sent by a signed-in agent: never a 5xx, a token only ever to the
/// consumer's own URL, <c>return_to</c> only on its host, and nothing of the input ever markup in the page.
/// </summary>
public sealed partial class HostileSsoInputTests : IDisposable
{
    private const int Iterations = 400;

    private static readonly string[] Pieces =
    [
        "\"", "'", "<", ">", "<script>alert(1)</script>", "javascript:", "//", "\\", "/\\", "@", "%00", "%0d%0a", "%2f", "%5c", "#", "?", "&",
        "&state=x", "&id_token=y", "&jwt=z", "https://evil.example", "acme.zendesk.com.evil.example", ":443", ":8443", "..", "/../", "\u00e9",
        "%E2%80%AE", "\t", " ", "=", ";", "%", "%%", "%u002f", "+", "[::1]", "0x7f000001", "https:evil.example",
    ];

    private readonly JwtIssuerApplication _app = new();

    public HostileSsoInputTests() => SsoProfileTests.AddHelpDesks(_app.Settings);

    public void Dispose() => _app.Dispose();

    private static string Mutate(Random random, string seed)
    {
        var text = new StringBuilder(seed);
        for (var i = random.Next(1, 4); i > 0; i--)
        {
            var position = random.Next(text.Length + 1);
            switch (random.Next(3))
            {
                case 0:
                    text.Insert(position, Pieces[random.Next(Pieces.Length)]);
                    break;
                case 1 when text.Length > 0:
                    text.Remove(Math.Min(position, text.Length - 1), 1);
                    break;
                default:
                    text.Insert(position, (char)random.Next(0x20, 0x7F));
                    break;
            }
        }

        return text.ToString();
    }

    [Fact]
    public async Task RandomEntryParametersNeverEscapeTheAllowlistNorBecomeMarkup()
    {
        await _app.CreateUserAsync("agent@example.com");
        var browser = await _app.CreateSignedInClientAsync("agent@example.com");
        var random = new Random(20261201);
        for (var i = 0; i < Iterations; i++)
        {
            // Zendesk: a 200 page whose only form posts to the consumer's URL, with return_to on its host or none.
            var returnTo = Mutate(random, random.Next(2) == 0 ? "https://acme.zendesk.com/agent/tickets/1" : "/hc/en-us");
            var encoded = random.Next(4) == 0 ? returnTo : Uri.EscapeDataString(returnTo);
            var zendesk = await browser.GetAsync($"/sso/zendesk?return_to={encoded}&brand_id={Uri.EscapeDataString(Mutate(random, "360001"))}");
            Assert.True(zendesk.StatusCode == HttpStatusCode.OK, $"{zendesk.StatusCode} for return_to {returnTo}");
            var html = await zendesk.Content.ReadAsStringAsync();
            Assert.Single(Regex.Matches(html, "<form id=\"sso-post\""));
            Assert.Single(Regex.Matches(html, "<script"));
            Assert.StartsWith(SsoProfileTests.ZendeskUrl, WebUtility.HtmlDecode(FormAction().Match(html).Groups[1].Value), StringComparison.Ordinal);
            var kept = ReturnTo().Match(html) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
            Assert.True(kept is null || (kept.StartsWith('/') && !kept.StartsWith("//", StringComparison.Ordinal)) || new Uri(kept).Authority.Equals("acme.zendesk.com", StringComparison.OrdinalIgnoreCase), kept);

            // Freshworks: a 400 page, or a 302 to exactly the consumer's redirect_uri with one state and one id_token.
            var redirectUri = random.Next(3) == 0 ? SsoProfileTests.FreshworksUrl : Mutate(random, SsoProfileTests.FreshworksUrl);
            var state = Mutate(random, "c3RhdGU=");
            var nonce = Mutate(random, "xb2Ce5AGSDGhWYQI");
            var freshworks = await browser.GetAsync(SsoProfileTests.FreshworksEntry(state, nonce, redirectUri));
            Assert.True(freshworks.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.BadRequest, $"{freshworks.StatusCode} for {redirectUri} / {state} / {nonce}");
            if (freshworks.StatusCode == HttpStatusCode.Redirect)
            {
                var location = freshworks.Headers.Location!.OriginalString;
                Assert.StartsWith(SsoProfileTests.FreshworksUrl + "?state=", location, StringComparison.Ordinal);
                var query = QueryHelpers.ParseQuery(new Uri(location).Query);
                Assert.Equal((state, 1, 2), (query["state"].ToString(), query["id_token"].Count, query.Count));
            }
            else
            {
                Assert.DoesNotContain("<script>alert", await freshworks.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
        }
    }

    [GeneratedRegex("<form id=\"sso-post\" method=\"post\" action=\"([^\"]+)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("<input type=\"hidden\" name=\"return_to\" value=\"([^\"]*)\"")]
    private static partial Regex ReturnTo();
}
