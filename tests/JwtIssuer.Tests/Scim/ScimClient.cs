using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using JwtIssuer.Server.Scim;
using JwtIssuer.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace JwtIssuer.Tests.Scim;

/// <summary>An identity provider's SCIM client against the issuer in process: a bearer token, JSON in, status and JSON out.</summary>
internal sealed class ScimClient(JwtIssuerApplication app, string? token)
{
    public const string Base = "/scim/v2";

    public sealed record Answer(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)
    {
        public JsonObject Object => Body as JsonObject ?? throw new InvalidOperationException($"{Status}: no JSON object");

        public string? this[string name] => Object[name]?.ToString();
    }

    /// <summary>A new token, as <c>jwt-issuer scim token create</c> makes it.</summary>
    public static async Task<string> CreateTokenAsync(JwtIssuerApplication app, string name = "entra")
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ScimTokens>().CreateAsync(name, "test");
    }

    public static async Task<ScimClient> WithNewTokenAsync(JwtIssuerApplication app, string name = "entra") => new(app, await CreateTokenAsync(app, name));

    public Task<Answer> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<Answer> PostAsync(string path, string json, string contentType = "application/scim+json") => SendAsync(HttpMethod.Post, path, json, contentType);

    public Task<Answer> PutAsync(string path, string json) => SendAsync(HttpMethod.Put, path, json);

    public Task<Answer> PatchAsync(string path, string json) => SendAsync(HttpMethod.Patch, path, json);

    public Task<Answer> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path);

    public async Task<Answer> SendAsync(HttpMethod method, string path, string? json = null, string contentType = "application/scim+json", string? authorization = null)
    {
        using var client = app.CreateClient(new() { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });
        using var request = new HttpRequestMessage(method, Base + path);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }
        else if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        request.Headers.Accept.ParseAdd("application/scim+json");
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Answer(response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response);
    }

    /// <summary>Asserts a SCIM error document (RFC 7644 section 3.12): the status (as a string) and the scimType.</summary>
    public static void AssertError(Answer answer, HttpStatusCode status, string? scimType = null)
    {
        Assert.Equal(status, answer.Status);
        Assert.Equal("application/scim+json", answer.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:Error", answer.Object["schemas"]![0]!.ToString());
        Assert.Equal(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), answer["status"]);
        Assert.Equal(scimType, answer["scimType"]);
        Assert.False(string.IsNullOrWhiteSpace(answer["detail"]));
    }
}
