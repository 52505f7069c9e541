using System.Net;
using System.Text;
using JwtIssuer.Server.Audit;
using JwtIssuer.Server.Data;
using JwtIssuer.Server.Scim;
using JwtIssuer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static JwtIssuer.Tests.Infrastructure.JwtIssuerApplication;

namespace JwtIssuer.Tests.Scim;

/// <summary>
/// <c>/scim/v2</c> beyond the providers' sequences: who may use it, the discovery documents, paging, the mapping's
/// edge cases, and every kind of bad request answered as a SCIM error, never a 500.
/// </summary>
public abstract partial class ScimServiceTests(string provider) : IDisposable
{
    private const string PatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    private readonly JwtIssuerApplication _app = new(provider);

    public void Dispose() => _app.Dispose();

    private static string Patch(string operations) => $$"""{"schemas":["{{PatchOp}}"],"Operations":{{operations}}}""";

    private static string NewUser(string userName, string? email = null, string extra = "") =>
        $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"{{userName}}"{{(email is null ? "" : $$""","emails":[{"value":"{{email}}","type":"work","primary":true}]""")}}{{extra}}}""";

    [Fact]
    public async Task WhileNoTokenExistsNoScimRouteAnswersAnything()
    {
        var scim = new ScimClient(_app, "scim_made-up");
        foreach (var path in new[] { "/ServiceProviderConfig", "/Users", "/Users/x", "/Groups", "/Schemas", "/anything" })
        {
            var answer = await scim.GetAsync(path);
            Assert.Equal((HttpStatusCode.NotFound, null), (answer.Status, answer.Body));
        }

        Assert.Equal(HttpStatusCode.NotFound, (await scim.PostAsync("/Users", NewUser("a@example.com"))).Status);
        Assert.Empty(await _app.AuditEventsAsync());
    }

    [Fact]
    public async Task NoWrongOrRevokedTokenIsA401ScimErrorAndTheRightOneIsRecordedAsUsed()
    {
        var token = await ScimClient.CreateTokenAsync(_app, "entra");
        Assert.StartsWith("scim_", token, StringComparison.Ordinal);
        foreach (var authorization in new[] { "", "Bearer", "Bearer ", "Basic " + token, "Bearer " + token + "x", "Bearer " + token[..^1], "Bearer " + new string('a', 5000) })
        {
            var refused = await new ScimClient(_app, null).SendAsync(HttpMethod.Get, "/Users", authorization: authorization);
            ScimClient.AssertError(refused, HttpStatusCode.Unauthorized);
            Assert.Equal("Bearer realm=\"scim\"", refused.Response.Headers.WwwAuthenticate.ToString());
        }

        // The scheme's case does not matter (RFC 9110); the token is stored only as its hash.
        Assert.Equal(HttpStatusCode.OK, (await new ScimClient(_app, null).SendAsync(HttpMethod.Get, "/Users", authorization: "bearer " + token)).Status);
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var stored = await scope.ServiceProvider.GetRequiredService<JwtIssuerDbContext>().ScimTokens.SingleAsync();
            Assert.Equal(ScimToken.HashOf(token), stored.Hash);
            Assert.Equal(_app.Time.GetUtcNow().UtcDateTime, stored.LastUsedAt);
            Assert.True(await scope.ServiceProvider.GetRequiredService<ScimTokens>().RevokeAsync("entra", "test"));
            await scope.ServiceProvider.GetRequiredService<ScimTokens>().CreateAsync("okta", "test");
        }

        ScimClient.AssertError(await new ScimClient(_app, token).GetAsync("/Users"), HttpStatusCode.Unauthorized);
        Assert.DoesNotContain(_app.Logs.GetSnapshot(), log => log.Message.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task EachTokenIsHeldToTheRequestsPerMinuteAndStrangersCannotUseItUp()
    {
        _app.Settings["Scim:RequestsPerMinute"] = "3";
        var entra = await ScimClient.WithNewTokenAsync(_app, "entra");
        var okta = await ScimClient.WithNewTokenAsync(_app, "okta");

        // Requests without a valid token, from this address: 401s, then 429s.
        var stranger = new ScimClient(_app, "scim_wrong");
        for (var i = 0; i < ScimAccess.FailuresPerMinute; i++)
        {
            ScimClient.AssertError(await stranger.GetAsync("/Users"), HttpStatusCode.Unauthorized);
        }

        var held = await stranger.GetAsync("/Users");
        ScimClient.AssertError(held, HttpStatusCode.TooManyRequests);
        Assert.Equal("60", held.Response.Headers.RetryAfter!.ToString());

        // The identity provider, from the same address, still has its own allowance: Scim:RequestsPerMinute per token.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await entra.GetAsync("/Users")).Status);
        }

        ScimClient.AssertError(await entra.GetAsync("/Users"), HttpStatusCode.TooManyRequests);
        Assert.Equal(HttpStatusCode.OK, (await okta.GetAsync("/Users")).Status);
    }

    [Fact]
    public async Task TheDiscoveryDocumentsDescribeUsersOnly()
    {
        var scim = await ScimClient.WithNewTokenAsync(_app);
        var config = await scim.GetAsync("/ServiceProviderConfig");
        Assert.Equal("application/scim+json", config.Response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("no-store", config.Response.Headers.CacheControl!.ToString());
        Assert.Equal(("true", "false", "true", "100", "oauthbearertoken"), (
            config.Object["patch"]!["supported"]!.ToString(), config.Object["bulk"]!["supported"]!.ToString(),
            config.Object["filter"]!["supported"]!.ToString(), config.Object["filter"]!["maxResults"]!.ToString(),
            config.Object["authenticationSchemes"]![0]!["type"]!.ToString()));

        var types = await scim.GetAsync("/ResourceTypes");
        Assert.Equal(("1", "User", "/Users"), (types["totalResults"], types.Object["Resources"]![0]!["id"]!.ToString(), types.Object["Resources"]![0]!["endpoint"]!.ToString()));
        Assert.Equal("User", (await scim.GetAsync("/ResourceTypes/User"))["name"]);
        ScimClient.AssertError(await scim.GetAsync("/ResourceTypes/Group"), HttpStatusCode.NotFound);

        var schemas = await scim.GetAsync("/Schemas");
        var user = schemas.Object["Resources"]![0]!;
        Assert.Equal("urn:ietf:params:scim:schemas:core:2.0:User", user["id"]!.ToString());
        Assert.Equal(["userName", "externalId", "name", "displayName", "emails", "active"], user["attributes"]!.AsArray().Select(attribute => attribute!["name"]!.ToString()));
        Assert.Equal(HttpStatusCode.OK, (await scim.GetAsync("/Schemas/urn:ietf:params:scim:schemas:core:2.0:User")).Status);

        // Groups: listing finds none (Entra ID's connection test reads it); anything else says they are not supported.
        Assert.Equal("0", (await scim.GetAsync("/Groups?filter=" + Uri.EscapeDataString("displayName eq \"x\"")))["totalResults"]);
        ScimClient.AssertError(await scim.PostAsync("/Groups", """{"displayName":"agents"}"""), HttpStatusCode.NotImplemented);
        ScimClient.AssertError(await scim.PatchAsync("/Groups/1", Patch("[]")), HttpStatusCode.NotImplemented);
        ScimClient.AssertError(await scim.GetAsync("/Groups/1"), HttpStatusCode.NotFound);
        ScimClient.AssertError(await scim.PostAsync("/Bulk", "{}"), HttpStatusCode.NotImplemented);
        ScimClient.AssertError(await scim.GetAsync("/Nothing"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task UsersArePagedInAStableOrder()
    {
        var scim = await ScimClient.WithNewTokenAsync(_app);
        foreach (var name in new[] { "a", "b", "c" })
        {
            Assert.Equal(HttpStatusCode.Created, (await scim.PostAsync("/Users", NewUser($"{name}@example.com"))).Status);
        }

        var all = (await scim.GetAsync("/Users")).Object["Resources"]!.AsArray().Select(user => user!["id"]!.ToString()).ToList();
        var first = await scim.GetAsync("/Users?startIndex=1&count=2");
        var second = await scim.GetAsync("/Users?startIndex=3&count=2");
        Assert.Equal(("3", "2", "1"), (first["totalResults"], first["itemsPerPage"], first["startIndex"]));
        Assert.Equal(("3", "1", "3"), (second["totalResults"], second["itemsPerPage"], second["startIndex"]));
        Assert.Equal(all, first.Object["Resources"]!.AsArray().Concat(second.Object["Resources"]!.AsArray()).Select(user => user!["id"]!.ToString()));

        // RFC 7644 section 3.4.2.4: below 1 is 1, a negative count is 0, and a count above the maximum is the maximum.
        Assert.Equal(("3", "0"), ((await scim.GetAsync("/Users?count=-5"))["totalResults"], (await scim.GetAsync("/Users?count=0"))["itemsPerPage"]));
        Assert.Equal("1", (await scim.GetAsync("/Users?startIndex=-3&count=1"))["startIndex"]);
        Assert.Equal("3", (await scim.GetAsync("/Users?count=100000"))["itemsPerPage"]);
        ScimClient.AssertError(await scim.GetAsync("/Users?count=many"), HttpStatusCode.BadRequest, "invalidValue");
        Assert.Equal("1", (await scim.GetAsync("/Users?filter=" + Uri.EscapeDataString("userName eq \"b@example.com\" and active eq true")))["totalResults"]);
    }

    [Theory]
    [InlineData("userName eq \"a\" or userName eq \"b\"")]
    [InlineData("userName co \"a\"")]
    [InlineData("title eq \"boss\"")]
    [InlineData("userName eq true")]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq \"1\"")]
    [InlineData("userName eq")]
    [InlineData("")]
    public async Task AFilterThatIsNotSupportedIsAnInvalidFilterError(string filter)
    {
        var scim = await ScimClient.WithNewTokenAsync(_app);
        ScimClient.AssertError(await scim.GetAsync("/Users?filter=" + Uri.EscapeDataString(filter)), HttpStatusCode.BadRequest, "invalidFilter");
    }

    [Fact]
    public async Task TheAgentsEmailIsTheWorkOrPrimaryEmailElseAnEmailUserName()
    {
        var scim = await ScimClient.WithNewTokenAsync(_app);
        await scim.PostAsync("/Users", """{"userName":"upn1@corp.example","emails":[{"value":"home@example.net","type":"home"},{"value":"work1@example.com","type":"work"}]}""");
        await scim.PostAsync("/Users", """{"userName":"upn2@corp.example","emails":[{"value":"other@example.net","type":"other","primary":true}]}""");
        await scim.PostAsync("/Users", """{"userName":"upn3@corp.example","emails":[{"value":"home3@example.net","type":"home"}],"name":{"formatted":"Formatted Three","givenName":"G"}}""");
        Assert.Equal("upn1@corp.example", (await _app.FindUserAsync("work1@example.com")).ScimUserName);
        Assert.Equal("upn2@corp.example", (await _app.FindUserAsync("other@example.net")).ScimUserName);
        var third = await _app.FindUserAsync("upn3@corp.example");
        Assert.Equal(("Formatted Three", "G"), (third.DisplayName, third.GivenName));

        // No email at all and a userName that is not one: refused, with the reason.
        var refused = await scim.PostAsync("/Users", """{"userName":"jdoe","emails":[{"value":"x@example.com","type":"home"}]}""");
        ScimClient.AssertError(refused, HttpStatusCode.BadRequest, "invalidValue");
        Assert.Contains("needs an email", refused["detail"], StringComparison.Ordinal);
        ScimClient.AssertError(await scim.PostAsync("/Users", """{"userName":"jdoe","emails":[{"value":"not an email","type":"work"}]}"""), HttpStatusCode.BadRequest, "invalidValue");
        ScimClient.AssertError(await scim.PostAsync("/Users", """{"emails":[{"value":"x@example.com","type":"work"}]}"""), HttpStatusCode.BadRequest, "invalidValue");

        // An agent without an email of their own follows userName; a userName taken by another agent's email is not unique.
        var id = (await scim.GetAsync("/Users?filter=" + Uri.EscapeDataString("userName eq \"upn3@corp.example\""))).Object["Resources"]![0]!["id"]!.ToString();
        Assert.Equal("renamed@corp.example", (await scim.PatchAsync($"/Users/{id}", Patch("""[{"op":"replace","path":"userName","value":"renamed@corp.example"}]"""))).Object["emails"]![0]!["value"]!.ToString());
        ScimClient.AssertError(await scim.PatchAsync($"/Users/{id}", Patch("""[{"op":"replace","path":"userName","value":"WORK1@example.com"}]""")), HttpStatusCode.Conflict, "uniqueness");
        ScimClient.AssertError(await scim.PatchAsync($"/Users/{id}", Patch("""[{"op":"replace","path":"userName","value":"UPN1@corp.example"}]""")), HttpStatusCode.Conflict, "uniqueness");
        ScimClient.AssertError(await scim.PatchAsync($"/Users/{id}", Patch("""[{"op":"add","path":"emails","value":[{"value":"other@example.net","type":"work"}]}]""")), HttpStatusCode.Conflict, "uniqueness");
    }

    [Fact]
    public async Task AnAgentAddedByHandIsFoundByEmailAndAdoptedNotDuplicated()
    {
        var existing = await _app.CreateUserAsync("ann@example.com", name: "Ann Agent");
        var scim = await ScimClient.WithNewTokenAsync(_app);
        var found = await scim.GetAsync("/Users?filter=" + Uri.EscapeDataString("userName eq \"Ann@Example.com\""));
        Assert.Equal(("1", existing.Id, "ann@example.com"), (found["totalResults"], found.Object["Resources"]![0]!["id"]!.ToString(), found.Object["Resources"]![0]!["userName"]!.ToString()));
        ScimClient.AssertError(await scim.PostAsync("/Users", NewUser("ann@example.com")), HttpStatusCode.Conflict, "uniqueness");

        // Entra ID then updates it: the externalId is kept, the name set on its own stays, the password stays.
        var patched = await scim.PatchAsync($"/Users/{existing.Id}", Patch("""[{"op":"Add","path":"externalId","value":"ann-1"},{"op":"Replace","path":"name.givenName","value":"Ann"}]"""));
        Assert.Equal(("ann-1", "Ann Agent"), (patched["externalId"], patched["displayName"]));
        var adopted = await _app.FindUserAsync("ann@example.com");
        Assert.Equal(("ann@example.com", "ann-1"), (adopted.ScimUserName, adopted.ExternalId));
        Assert.NotNull(adopted.PasswordHash);

        // Her email is not SCIM's to change while she has a password here, nor an admin's: the token and a password
        // (or a provider account with the new address) would take the account. Deactivation still works.
        ScimClient.AssertError(await scim.PatchAsync($"/Users/{existing.Id}", Patch("""[{"op":"replace","path":"emails[type eq \"work\"].value","value":"ceo@example.com"}]""")), HttpStatusCode.BadRequest, "mutability");
        var admin = await _app.CreateUserAsync("boss@example.com");
        await _app.UpdateUserAsync("boss@example.com", user => (user.IsAdmin, user.PasswordHash) = (true, null));
        ScimClient.AssertError(await scim.PatchAsync($"/Users/{admin.Id}", Patch("""[{"op":"replace","path":"userName","value":"mallory@example.com"}]""")), HttpStatusCode.BadRequest, "mutability");
        Assert.Equal("false", (await scim.PatchAsync($"/Users/{admin.Id}", Patch("""[{"op":"replace","path":"active","value":false}]""")))["active"]);
        Assert.Equal("ann@example.com", (await scim.GetAsync($"/Users/{existing.Id}")).Object["emails"]![0]!["value"]!.ToString());

        // Not through PUT either, nor by removing the email so that it would follow userName; a case-only difference is
        // no change at all, and a deactivation in a refused request still happens.
        ScimClient.AssertError(await scim.PutAsync($"/Users/{existing.Id}", """{"userName":"ann@example.com","emails":[{"value":"ceo@example.com","type":"work"}]}"""), HttpStatusCode.BadRequest, "mutability");
        ScimClient.AssertError(await scim.PatchAsync($"/Users/{existing.Id}", Patch("""[{"op":"replace","path":"userName","value":"ceo@example.com"},{"op":"remove","path":"emails"}]""")), HttpStatusCode.BadRequest, "mutability");
        Assert.Equal(HttpStatusCode.OK, (await scim.PatchAsync($"/Users/{existing.Id}", Patch("""[{"op":"replace","path":"emails[type eq \"work\"].value","value":"ANN@EXAMPLE.COM"}]"""))).Status);
        ScimClient.AssertError(await scim.PutAsync($"/Users/{existing.Id}", """{"userName":"ann@example.com","active":false,"emails":[{"value":"ceo@example.com","type":"work"}]}"""), HttpStatusCode.BadRequest, "mutability");
        var after = await _app.FindUserAsync("ann@example.com");
        Assert.Equal((existing.Id, true), (after.Id, after.IsDisabled));
    }

    [Fact]
    public async Task PatchTakesEveryFormTheProvidersSend()
    {
        var scim = await ScimClient.WithNewTokenAsync(_app);
        var id = (await scim.PostAsync("/Users", NewUser("p@example.com", "p@example.com", ""","externalId":"e1","displayName":"Set Alone","name":{"givenName":"P","familyName":"Q"}""")))["id"]!;

        // A remove with a path; a replace of the whole name object (sub-attributes not given stay); emails as a list.
        var answer = await scim.PatchAsync($"/Users/{id}", Patch("""
            [{"op":"Remove","path":"externalId"},
             {"op":"Replace","path":"name","value":{"familyName":"R"}},
             {"op":"Add","path":"emails","value":[{"value":"new@example.com","type":"work","primary":true}]},
             {"op":"Add","path":"phoneNumbers[type eq \"work\"].value","value":"555"},
             {"op":"Add","path":"manager","value":[{"$ref":"x","value":"y"}]},
             {"op":"replace","path":"urn:ietf:params:scim:schemas:core:2.0:User:displayName","value":"Schema Named"}]
            """));
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal((null, "P", "R", "new@example.com", "Schema Named"),
            (answer["externalId"], answer.Object["name"]!["givenName"]!.ToString(), answer.Object["name"]!["familyName"]!.ToString(), answer.Object["emails"]![0]!["value"]!.ToString(), answer["displayName"]));

        // A home email is not the agent's: adding one changes nothing; removing the work one falls back to userName.
        Assert.Equal("new@example.com", (await scim.PatchAsync($"/Users/{id}", Patch("""[{"op":"add","path":"emails[type eq \"home\"].value","value":"h@example.net"}]""")))
            .Object["emails"]![0]!["value"]!.ToString());
        Assert.Equal("p@example.com", (await scim.PatchAsync($"/Users/{id}", Patch("""[{"op":"remove","path":"emails[type eq \"work\"]"}]""")))
            .Object["emails"]![0]!["value"]!.ToString());

        // Removing displayName: the name parts give it.
        Assert.Equal("P R", (await scim.PatchAsync($"/Users/{id}", Patch("""[{"op":"remove","path":"displayName"}]""")))["displayName"]);
    }

    [Theory]
    [InlineData("""{"Operations":[]}""", "invalidSyntax")]
    [InlineData("""{"Operations":[{"op":"move","path":"userName","value":"x"}]}""", "invalidSyntax")]
    [InlineData("""{"Operations":[{"path":"userName","value":"x"}]}""", "invalidSyntax")]
    [InlineData("""{"Operations":[{"op":"remove"}]}""", "noTarget")]
    [InlineData("""{"Operations":[{"op":"replace","value":"x"}]}""", "invalidValue")]
    [InlineData("""{"Operations":[{"op":"replace","path":"userName"}]}""", "invalidValue")]
    [InlineData("""{"Operations":[{"op":"replace","path":"emails[type eq ","value":"x"}]}""", "invalidPath")]
    [InlineData("""{"Operations":[{"op":"replace","path":"active","value":"no"}]}""", "invalidValue")]
    [InlineData("""{"Operations":[{"op":"replace","path":"active","value":" False"}]}""", "invalidValue")]
    [InlineData("""{"Operations":[{"op":"remove","path":"active"}]}""", "invalidValue")]
    [InlineData("""{"Operations":[{"op":"remove","path":"userName"}]}""", "invalidValue")]
    [InlineData("""{"Operations":[{"op":"replace","path":"displayName","value":{"x":1}}]}""", "invalidValue")]
    [InlineData("""{"Operations":[{"op":"replace","path":"displayName","value":"a\u0000b"}]}""", "invalidValue")]
    [InlineData("""{"Operations":[{"op":"replace","value":{"active":false,"Active":true}}]}""", "invalidSyntax")]
    [InlineData("""{"Operations":[{"op":"replace","path":"userName","value":"x"}],"operations":[]}""", "invalidSyntax")]
    [InlineData("""{"Operations":[{"op":"replace","value":{"active":false,"displayName":"Changed"}},{"op":"replace","path":"active","value":"nope"}]}""", "invalidValue")]
    [InlineData("""{"Operations":[{"op":"replace","path":"displayName","value":"\ud800"}]}""", "invalidSyntax")]
    [InlineData("""[1]""", "invalidSyntax")]
    [InlineData("""{"Operations":""", "invalidSyntax")]
    public async Task ABadPatchIsRefusedWithItsScimTypeAndChangesNothing(string body, string scimType)
    {
        var scim = await ScimClient.WithNewTokenAsync(_app);
        var id = (await scim.PostAsync("/Users", NewUser("p@example.com")))["id"]!;
        ScimClient.AssertError(await scim.PatchAsync($"/Users/{id}", body), HttpStatusCode.BadRequest, scimType);
        var user = await _app.FindUserAsync("p@example.com");
        Assert.Equal(("p@example.com", false, null), (user.ScimUserName, user.IsDisabled, user.DisplayName));
        Assert.Single(await _app.AuditEventsAsync(AuditEventTypes.User));
    }

    [Fact]
    public async Task HostileBodiesAreRefusedNeverA500()
    {
        var scim = await ScimClient.WithNewTokenAsync(_app);
        ScimClient.AssertError(await scim.PostAsync("/Users", "{\"userName\":\"" + new string('a', 70_000) + "\"}"), HttpStatusCode.RequestEntityTooLarge);
        ScimClient.AssertError(await scim.PostAsync("/Users", new StringBuilder().Insert(0, "{\"a\":", 40).Append('1').Append('}', 40).ToString()), HttpStatusCode.BadRequest, "invalidSyntax");
        ScimClient.AssertError(await scim.PostAsync("/Users", NewUser("a@example.com"), "text/plain"), HttpStatusCode.UnsupportedMediaType);
        ScimClient.AssertError(await scim.PostAsync("/Users", """{"userName":"a@example.com","userName":"b@example.com"}"""), HttpStatusCode.BadRequest, "invalidSyntax");
        ScimClient.AssertError(await scim.PostAsync("/Users", """{"userName":"<script>alert(1)</script>@example.com"}"""), HttpStatusCode.BadRequest, "invalidValue");
        ScimClient.AssertError(await scim.PostAsync("/Users", """{"userName":"a@example.com","active":"maybe"}"""), HttpStatusCode.BadRequest, "invalidValue");
        ScimClient.AssertError(await scim.PostAsync("/Users", """{"userName":"a@example.com","emails":"a@example.com"}"""), HttpStatusCode.BadRequest, "invalidValue");
        ScimClient.AssertError(await scim.GetAsync("/Users/" + new string('x', 100)), HttpStatusCode.NotFound);
        ScimClient.AssertError(await scim.GetAsync("/Users?filter=" + Uri.EscapeDataString("userName eq \"" + new string('a', 2000) + "\"")), HttpStatusCode.BadRequest, "invalidFilter");
        ScimClient.AssertError(await scim.PostAsync("/Users", """{"userName":"\udc00@example.com"}"""), HttpStatusCode.BadRequest, "invalidSyntax");
        ScimClient.AssertError(await scim.PostAsync("/Users", """{"\ud800":1,"userName":"a@example.com"}"""), HttpStatusCode.BadRequest, "invalidSyntax");
        ScimClient.AssertError(await scim.GetAsync("/Users?filter=" + Uri.EscapeDataString("userName eq \"\\ud800\"")), HttpStatusCode.BadRequest, "invalidFilter");
        Assert.Equal("0", (await scim.GetAsync("/Users?count=99999999999999&startIndex=99999999999999"))["itemsPerPage"]);
        ScimClient.AssertError(await scim.GetAsync("/Users?filter=" + Uri.EscapeDataString("userName eq \"a\\u0000b\"")), HttpStatusCode.BadRequest, "invalidFilter");
        ScimClient.AssertError(await scim.GetAsync("/Users?count=%2B"), HttpStatusCode.BadRequest, "invalidValue");
        ScimClient.AssertError(await scim.GetAsync("/Users?count=--5"), HttpStatusCode.BadRequest, "invalidValue");

        // A display name is data: stored and returned as JSON, never interpreted.
        var created = await scim.PostAsync("/Users", """{"userName":"x@example.com","displayName":"<img src=x onerror=alert(1)> {name}"}""");
        Assert.Equal("<img src=x onerror=alert(1)> {name}", created["displayName"]);
        // Given and family names of 200 characters each: the name is cut to its column, on both databases.
        var longNames = await scim.PostAsync("/Users", $$$"""{"userName":"long@example.com","name":{"givenName":"{{{new string('g', 200)}}}","familyName":"{{{new string('f', 200)}}}"}}""");
        Assert.Equal(256, longNames["displayName"]!.Length);
        Assert.Equal(["added", "added"], (await _app.AuditEventsAsync(AuditEventTypes.User)).Select(entry => entry.Outcome));
    }

    [Fact]
    public async Task AnEmailChangeEndsTheAgentsSessionsAndADeleteRemovesThem()
    {
        var scim = await ScimClient.WithNewTokenAsync(_app);
        var id = (await scim.PostAsync("/Users", NewUser("old@example.com")))["id"]!;
        // The agent signed in through the provider once: their subject is linked to the old address.
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var manager = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<JwtIssuer.Server.Users.User>>();
            Assert.True((await manager.AddLoginAsync((await manager.FindByEmailAsync("old@example.com"))!, new("https://idp.example", "subject-1", "IdP"))).Succeeded);
        }

        string link;
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var links = scope.ServiceProvider.GetRequiredService<JwtIssuer.Server.SignIn.PasswordLinks.SetPasswordLinks>();
            link = await links.CreateAsync(await _app.FindUserAsync("old@example.com"));
        }

        var stamp = (await _app.FindUserAsync("old@example.com")).SecurityStamp;
        await scim.PatchAsync($"/Users/{id}", Patch("""[{"op":"replace","path":"emails[type eq \"work\"].value","value":"new@example.com"}]"""));
        var moved = await _app.FindUserAsync("new@example.com");
        Assert.Equal("new@example.com", moved.UserName);
        Assert.NotEqual(stamp, moved.SecurityStamp);
        Assert.Empty(await LoginsAsync("new@example.com"));
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            Assert.Null(await scope.ServiceProvider.GetRequiredService<JwtIssuer.Server.SignIn.PasswordLinks.SetPasswordLinks>().FindUserAsync(link));
        }

        Assert.Contains("unlinked subject subject-1 at https://idp.example", (await _app.AuditEventsAsync(AuditEventTypes.User))[^1].Reason, StringComparison.Ordinal);

        // A name-only change keeps the sessions.
        await scim.PatchAsync($"/Users/{id}", Patch("""[{"op":"replace","path":"displayName","value":"New Name"}]"""));
        Assert.Equal(moved.SecurityStamp, (await _app.FindUserAsync("new@example.com")).SecurityStamp);

        Assert.Equal(HttpStatusCode.NoContent, (await scim.DeleteAsync($"/Users/{id}")).Status);
        ScimClient.AssertError(await scim.DeleteAsync($"/Users/{id}"), HttpStatusCode.NotFound);
        Assert.Equal("removed", (await _app.AuditEventsAsync(AuditEventTypes.User))[^1].Outcome);
    }
}

public abstract partial class ScimServiceTests
{
    [Fact]
    public async Task OneUserNameNamesOneUserThoughAnotherAgentHasItAsEmail()
    {
        var scim = await ScimClient.WithNewTokenAsync(_app);
        var provisioned = (await scim.PostAsync("/Users", NewUser("x@corp.example", "y@example.com")))["id"];
        await _app.CreateUserAsync("x@corp.example");
        var found = await scim.GetAsync("/Users?filter=" + Uri.EscapeDataString("userName eq \"x@corp.example\""));
        Assert.Equal(("1", provisioned), (found["totalResults"], found.Object["Resources"]![0]!["id"]!.ToString()));
    }

    [Fact]
    public async Task DisplayNameFiltersIgnoreCase()
    {
        var scim = await ScimClient.WithNewTokenAsync(_app);
        var id = (await scim.PostAsync("/Users", """{"userName":"jose@example.com","displayName":"José Núñez"}"""))["id"];
        // Exactly as stored, whatever the letters; other case, for ASCII letters (what both databases' upper() folds).
        var found = await scim.GetAsync("/Users?filter=" + Uri.EscapeDataString("displayName eq \"José Núñez\""));
        Assert.Equal(("1", id), (found["totalResults"], found.Object["Resources"]![0]!["id"]!.ToString()));

        await scim.PostAsync("/Users", """{"userName":"ann@example.com","displayName":"Ann Agent"}""");
        Assert.Equal("1", (await scim.GetAsync("/Users?filter=" + Uri.EscapeDataString("displayName eq \"ANN AGENT\"")))["totalResults"]);
    }

    private async Task<IList<Microsoft.AspNetCore.Identity.UserLoginInfo>> LoginsAsync(string email)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var manager = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<JwtIssuer.Server.Users.User>>();
        return await manager.GetLoginsAsync((await manager.FindByEmailAsync(email))!);
    }
}

public sealed class ScimServiceTestsOnSqlite() : ScimServiceTests(TestDatabase.Sqlite);

/// <summary>The same tests on PostgreSQL.</summary>
public sealed class ScimServiceTestsOnPostgres() : ScimServiceTests(TestDatabase.Postgres);
