using System.Net;
using JwtIssuer.Server.Audit;
using JwtIssuer.Server.Users;
using JwtIssuer.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static JwtIssuer.Tests.Infrastructure.JwtIssuerApplication;

namespace JwtIssuer.Tests.Scim;

/// <summary>
/// The request sequences the identity providers document, replayed as they send them, and what each step must answer.
/// Microsoft Entra ID: the "User operations" sample requests of "Tutorial: Develop and plan provisioning for a SCIM
/// endpoint in Microsoft Entra ID" (learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups),
/// which its SCIM validator sends, plus the string "False" and the path-less replace of "Known issues and resolutions
/// with SCIM 2.0 protocol compliance" (application-provisioning-config-problem-scim-compatibility). Okta: the "Okta SCIM
/// 2.0 SPEC Test" (developer.okta.com/standards/SCIM/SCIMFiles/Okta-SCIM-20-SPEC-Test.json) and the PUT and PATCH
/// requests of its SCIM 2.0 protocol reference (developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20).
/// </summary>
public abstract class ScimSequenceTests(string provider) : IDisposable
{
    private readonly JwtIssuerApplication _app = new(provider);

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task MicrosoftEntraIdsDocumentedUserOperationsPass()
    {
        var scim = await ScimClient.WithNewTokenAsync(_app, "entra");

        // Test Connection: a user that does not exist is an empty list, not a 404.
        var none = await scim.GetAsync("/Users?filter=" + Uri.EscapeDataString("userName eq \"non-existent user\""));
        Assert.Equal(HttpStatusCode.OK, none.Status);
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:ListResponse", none.Object["schemas"]![0]!.ToString());
        Assert.Equal(("0", 0), (none["totalResults"], none.Object["Resources"]!.AsArray().Count));

        // Create User, verbatim.
        var created = await scim.PostAsync("/Users", """
            {
                "schemas": [
                    "urn:ietf:params:scim:schemas:core:2.0:User",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
                "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
                "userName": "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee",
                "active": true,
                "emails": [{
                    "primary": true,
                    "type": "work",
                    "value": "Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com"
                }],
                "meta": {
                    "resourceType": "User"
                },
                "name": {
                    "formatted": "givenName familyName",
                    "familyName": "familyName",
                    "givenName": "givenName"
                },
                "roles": []
            }
            """);
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var id = created["id"]!;
        // The location is under the configured public URL (JwtIssuer:Issuer), never the request's Host.
        Assert.Equal($"{Issuer}/scim/v2/Users/{id}", created.Response.Headers.Location!.AbsoluteUri);
        Assert.Equal($"{Issuer}/scim/v2/Users/{id}", created.Object["meta"]!["location"]!.ToString());
        Assert.Equal("0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef", created["externalId"]);
        Assert.Equal("Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee", created["userName"]);
        Assert.Equal("givenName familyName", created.Object["name"]!["formatted"]!.ToString());
        Assert.Equal("Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com", created.Object["emails"]![0]!["value"]!.ToString());
        Assert.Equal("true", created["active"]);

        // The agent: the work email is the one Comm100 matches, the name from the name parts, no password.
        var agent = await _app.FindUserAsync("Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com");
        Assert.Equal((id, "givenName familyName", null, false), (agent.Id, agent.DisplayName, agent.PasswordHash, agent.IsDisabled));

        // Get User; Get User by query; an unknown id is a SCIM 404.
        Assert.Equal(id, (await scim.GetAsync($"/Users/{id}"))["id"]);
        var found = await scim.GetAsync("/Users?filter=" + Uri.EscapeDataString("userName eq \"Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee\""));
        Assert.Equal(("1", id), (found["totalResults"], found.Object["Resources"]![0]!["id"]!.ToString()));
        var byEmail = await scim.GetAsync("/Users?filter=" + Uri.EscapeDataString("emails[type eq \"work\"].value eq \"test_user_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com\""));
        Assert.Equal("1", byEmail["totalResults"]);
        var byExternalId = await scim.GetAsync("/Users?filter=" + Uri.EscapeDataString("externalId eq \"0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef\""));
        Assert.Equal("1", byExternalId["totalResults"]);
        ScimClient.AssertError(await scim.GetAsync("/Users/5171a35d82074e068ce2"), HttpStatusCode.NotFound);

        // Update User [Multi-valued properties], verbatim: the email and the family name; the derived name follows.
        var multi = await scim.PatchAsync($"/Users/{id}", """
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [
                        {
                        "op": "Replace",
                        "path": "emails[type eq \"work\"].value",
                        "value": "updatedEmail@microsoft.com"
                        },
                        {
                        "op": "Replace",
                        "path": "name.familyName",
                        "value": "updatedFamilyName"
                        }
                ]
            }
            """);
        Assert.Equal(HttpStatusCode.OK, multi.Status);
        Assert.Equal("updatedEmail@microsoft.com", multi.Object["emails"]![0]!["value"]!.ToString());
        Assert.Equal("givenName updatedFamilyName", multi.Object["name"]!["formatted"]!.ToString());
        Assert.Equal("givenName updatedFamilyName", (await _app.FindUserAsync("updatedEmail@microsoft.com")).DisplayName);

        // Update User [Single-valued properties], verbatim.
        var single = await scim.PatchAsync($"/Users/{id}", """
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{
                    "op": "Replace",
                    "path": "userName",
                    "value": "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com"
                }]
            }
            """);
        Assert.Equal("5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com", single["userName"]);
        Assert.Equal("updatedEmail@microsoft.com", single.Object["emails"]![0]!["value"]!.ToString());

        // The same change as Entra ID sends it with aadOptscim062020: no path, dotted keys, an extension attribute (not kept).
        var pathless = await scim.PatchAsync($"/Users/{id}", """
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"emails[type eq \"work\"].value","value":"TestMhvaes@test.microsoft.com"},{"op":"replace","value":{"displayName":"Bjfe","name.givenName":"Kkom","name.familyName":"Unua","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":"Aklq"}}]}
            """);
        Assert.Equal(HttpStatusCode.OK, pathless.Status);
        Assert.Equal(("Bjfe", "Kkom Unua", "TestMhvaes@test.microsoft.com"),
            (pathless["displayName"], pathless.Object["name"]!["formatted"]!.ToString(), pathless.Object["emails"]![0]!["value"]!.ToString()));

        // Disable User, as the validator sends it (a boolean), then as the portal's default mapping does (the string "False").
        var disabled = await scim.PatchAsync($"/Users/{id}", """
            {
                "Operations": [
                    {
                        "op": "Replace",
                        "path": "active",
                        "value": false
                    }
                ],
                "schemas": [
                    "urn:ietf:params:scim:api:messages:2.0:PatchOp"
                ]
            }
            """);
        Assert.Equal(("false", true), (disabled["active"], (await _app.FindUserAsync("TestMhvaes@test.microsoft.com")).IsDisabled));
        Assert.Equal("true", (await scim.PatchAsync($"/Users/{id}", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"True"}]}"""))["active"]);
        Assert.Equal("false", (await scim.PatchAsync($"/Users/{id}", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}"""))["active"]);

        // A deactivated user is still found, with active false.
        Assert.Equal("false", (await scim.GetAsync($"/Users/{id}"))["active"]);

        // Delete User: 204, then gone.
        var deleted = await scim.DeleteAsync($"/Users/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.Status);
        ScimClient.AssertError(await scim.GetAsync($"/Users/{id}"), HttpStatusCode.NotFound);
        await Assert.ThrowsAsync<InvalidOperationException>(() => _app.FindUserAsync("TestMhvaes@test.microsoft.com"));

        // Every change is in the audit trail, naming the token.
        var trail = await _app.AuditEventsAsync(AuditEventTypes.User);
        Assert.Equal(["added", "updated", "updated", "updated", "disabled", "enabled", "disabled", "removed"], trail.Select(entry => entry.Outcome));
        Assert.All(trail, entry => Assert.Equal(("scim (entra)", id), (entry.Actor, entry.UserId)));
        Assert.Equal(["SCIM", "SCIM: emails, displayName, name", "SCIM: userName", "SCIM: emails, displayName, name"], trail.Take(4).Select(entry => entry.Reason));
    }

    [Fact]
    public async Task OktasSpecTestAndProfileRequestsPass()
    {
        // "Create at least one user in your SCIM server before running the Okta SCIM API test suite."
        await _app.CreateUserAsync("seed@atko.com", name: "Seed Agent");
        var okta = await ScimClient.WithNewTokenAsync(_app, "okta");
        await okta.PatchAsync($"/Users/{(await _app.FindUserAsync("seed@atko.com")).Id}", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"name","value":{"givenName":"Seed","familyName":"Agent"}}]}""");

        // 1. Test Users endpoint.
        var first = await okta.GetAsync("/Users?count=1&startIndex=1");
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(("1", "1", "1"), (first["totalResults"], first["itemsPerPage"], first["startIndex"]));
        var listed = first.Object["Resources"]![0]!;
        Assert.All(new[] { listed["id"], listed["name"]!["familyName"], listed["name"]!["givenName"], listed["userName"], listed["active"], listed["emails"]![0]!["value"] },
            value => Assert.False(string.IsNullOrEmpty(value?.ToString())));

        // 2. Get Users/{id}; 3. an unknown user by userName; 4. an unknown id.
        Assert.Equal(listed["id"]!.ToString(), (await okta.GetAsync($"/Users/{listed["id"]}"))["id"]);
        Assert.Equal("0", (await okta.GetAsync("/Users?filter=" + Uri.EscapeDataString("userName eq \"abcdefgh@atko.com\"")))["totalResults"]);
        ScimClient.AssertError(await okta.GetAsync("/Users/010101001010101011001010101011"), HttpStatusCode.NotFound);

        // 5. The random user does not exist yet; 6. create it, as Okta's test sends it (plain application/json).
        const string user = "Runscope123Abcdefghi456@atko.com";
        Assert.Equal("0", (await okta.GetAsync("/Users?filter=" + Uri.EscapeDataString($"userName eq \"{user}\"") + "&startIndex=1&count=100"))["totalResults"]);
        var body = $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"{{user}}","name":{"givenName":"Runscope123","familyName":"Abcdefghi456"},"emails":[{"primary":true,"value":"{{user}}","type":"work"}],"displayName":"Runscope123 Abcdefghi456","active":true}""";
        var created = await okta.PostAsync("/Users", body, "application/json");
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal(("true", user, "Abcdefghi456", "Runscope123"), (created["active"], created["userName"], created.Object["name"]!["familyName"]!.ToString(), created.Object["name"]!["givenName"]!.ToString()));
        var id = created["id"]!;

        // 7. It was created; 8. creating it again is a 409 uniqueness; 9. userName matches whatever its case.
        Assert.Equal(user, (await okta.GetAsync($"/Users/{id}"))["userName"]);
        ScimClient.AssertError(await okta.PostAsync("/Users", body, "application/json"), HttpStatusCode.Conflict, "uniqueness");
        var caps = await okta.GetAsync("/Users?filter=" + Uri.EscapeDataString($"userName eq \"{user.ToUpperInvariant()}\""));
        Assert.Equal(("1", id), (caps["totalResults"], caps.Object["Resources"]![0]!["id"]!.ToString()));

        // 10. Groups: none here, and listing them is not an error. 11. A bad token is a 401; 12. another unknown id a 404.
        var groups = await okta.GetAsync("/Groups");
        Assert.Equal((HttpStatusCode.OK, "0"), (groups.Status, groups["totalResults"]));
        ScimClient.AssertError(await okta.SendAsync(HttpMethod.Get, "/Users?filter=" + Uri.EscapeDataString($"userName eq \"{user}\""), authorization: "non-token"), HttpStatusCode.Unauthorized);
        ScimClient.AssertError(await okta.GetAsync("/Users/00919288221112222"), HttpStatusCode.NotFound);

        // The protocol reference's create, with the placeholder password (never kept) and groups: a user with an externalId.
        var referenceUser = await okta.PostAsync("/Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"test.user@okta.local","name":{"givenName":"Test","familyName":"User"},"emails":[{"primary":true,"value":"test.user@okta.local","type":"work"}],"displayName":"Test User","locale":"en-US","externalId":"00ujl29u0le5T6Aj10h7","groups":[],"password":"1mz050nq","active":true}""");
        Assert.Equal(HttpStatusCode.Created, referenceUser.Status);
        Assert.Null((await _app.FindUserAsync("test.user@okta.local")).PasswordHash);
        var referenceId = referenceUser["id"]!;

        // Profile update: Okta reads the user, then PUTs the whole of it (with id, meta and a middle name not kept).
        var put = await okta.PutAsync($"/Users/{referenceId}", $$$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"{{{referenceId}}}","userName":"test.user@okta.local","name":{"givenName":"Another","middleName":"Excited","familyName":"User"},"emails":[{"primary":true,"value":"test.user@okta.local","type":"work","display":"test.user@okta.local"}],"active":true,"groups":[],"meta":{"resourceType":"User"}}""");
        Assert.Equal(HttpStatusCode.OK, put.Status);
        Assert.Equal("Another", put.Object["name"]!["givenName"]!.ToString());
        // PUT replaces: no displayName and no externalId in it, so the name is the name parts' and the externalId is gone.
        Assert.Equal(("Another User", null), (put["displayName"], put["externalId"]));
        Assert.Equal("Another User", (await _app.FindUserAsync("test.user@okta.local")).DisplayName);

        // Deactivate: PATCH without a path; reactivate the same way.
        const string deactivate = """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}""";
        Assert.Equal("false", (await okta.PatchAsync($"/Users/{referenceId}", deactivate))["active"]);
        Assert.True((await _app.FindUserAsync("test.user@okta.local")).IsDisabled);
        Assert.Equal("false", (await okta.GetAsync($"/Users/{referenceId}"))["active"]);
        Assert.Equal("true", (await okta.PatchAsync($"/Users/{referenceId}", deactivate.Replace("false", "true", StringComparison.Ordinal)))["active"]);
        Assert.False((await _app.FindUserAsync("test.user@okta.local")).IsDisabled);

        // Okta never deletes; a DELETE still works for a provider that does.
        Assert.Equal(HttpStatusCode.NoContent, (await okta.DeleteAsync($"/Users/{referenceId}")).Status);

        var trail = await _app.AuditEventsAsync(AuditEventTypes.User);
        Assert.All(trail, entry => Assert.Equal("scim (okta)", entry.Actor));
        Assert.Equal(["updated", "added", "added", "updated", "disabled", "enabled", "removed"], trail.Select(entry => entry.Outcome));
    }

    [Fact]
    public async Task ADeactivationStopsTheAgentsTokensWithinTheStatusBoundThoughTheirSessionIsOpen()
    {
        var scim = await ScimClient.WithNewTokenAsync(_app);
        var created = await scim.PostAsync("/Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"leaver@example.com","name":{"givenName":"Lee","familyName":"Ver"},"active":true}""");
        Assert.Equal(HttpStatusCode.Created, created.Status);

        // The agent has a browser session (here from a password, so the test needs no provider) and gets tokens.
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserAdministration>();
            await users.SetPasswordAsync((await users.FindByEmailAsync("leaver@example.com"))!, DefaultPassword, "test");
        }

        var browser = await _app.CreateSignedInClientAsync("leaver@example.com");
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync(JwtUrl(Comm100Url))).StatusCode);

        // The identity provider deactivates them (Entra ID's default mapping sends the string "False").
        var patched = await scim.PatchAsync($"/Users/{created["id"]}", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}""");
        Assert.Equal(HttpStatusCode.OK, patched.Status);

        // Within the status bound, with the session cookie still in the browser, no more tokens.
        _app.Time.Advance(UserStatusSnapshot.MaxAge);
        var refused = await browser.GetAsync(JwtUrl(Comm100Url));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(["issued"], (await _app.AuditEventsAsync(AuditEventTypes.Token)).Select(entry => entry.Outcome));
    }
}

public sealed class ScimSequenceTestsOnSqlite() : ScimSequenceTests(TestDatabase.Sqlite);

/// <summary>The same sequences on PostgreSQL.</summary>
public sealed class ScimSequenceTestsOnPostgres() : ScimSequenceTests(TestDatabase.Postgres);
