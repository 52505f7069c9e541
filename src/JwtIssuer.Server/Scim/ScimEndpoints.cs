using System.Text.Json.Nodes;
using JwtIssuer.Configuration;

namespace JwtIssuer.Server.Scim;

/// <summary>
/// <c>/scim/v2</c>: a SCIM 2.0 service provider for Users (RFC 7644), as Microsoft Entra ID and Okta provision them.
/// Groups are not kept: <c>GET /Groups</c> lists none (Entra ID's connection test reads it), anything else there is a 501.
/// </summary>
internal static class ScimEndpoints
{
    public const string Prefix = "/scim/v2";

    public static IEndpointRouteBuilder MapScim(this IEndpointRouteBuilder endpoints)
    {
        var scim = endpoints.MapGroup(Prefix).AddEndpointFilterFactory((factory, next) =>
        {
            var access = factory.ApplicationServices.GetRequiredService<ScimAccess>();
            return invocation => access.InvokeAsync(invocation, next);
        });

        scim.MapGet("/ServiceProviderConfig", (HttpContext context) => ScimJson.Result(ScimDiscovery.ServiceProviderConfig(BaseUrl(context))));
        scim.MapGet("/ResourceTypes", (HttpContext context) => ScimJson.Result(ScimDiscovery.List([ScimDiscovery.UserResourceType(BaseUrl(context))])));
        scim.MapGet("/ResourceTypes/{name}", (string name, HttpContext context) => string.Equals(name, "User", StringComparison.OrdinalIgnoreCase)
            ? ScimJson.Result(ScimDiscovery.UserResourceType(BaseUrl(context)))
            : throw ScimException.NotFound($"No resource type '{name}': this service provides Users only."));
        scim.MapGet("/Schemas", (HttpContext context) => ScimJson.Result(ScimDiscovery.List([ScimDiscovery.UserSchema(BaseUrl(context))])));
        scim.MapGet("/Schemas/{id}", (string id, HttpContext context) => string.Equals(id, ScimSchemas.User, StringComparison.OrdinalIgnoreCase)
            ? ScimJson.Result(ScimDiscovery.UserSchema(BaseUrl(context)))
            : throw ScimException.NotFound($"No schema '{id}': this service provides {ScimSchemas.User} only."));

        scim.MapGet("/Users", ListAsync);
        scim.MapPost("/Users", CreateAsync);
        scim.MapGet("/Users/{id}", GetAsync);
        scim.MapPut("/Users/{id}", ReplaceAsync);
        scim.MapPatch("/Users/{id}", PatchAsync);
        scim.MapDelete("/Users/{id}", DeleteAsync);

        // Groups are not kept. Listing them finds none, as RFC 7644 answers an empty search; the rest says so plainly.
        scim.MapGet("/Groups", (HttpContext context) => ScimJson.Result(ScimDiscovery.List([])));
        scim.MapMethods("/Groups", [HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete], () => ScimJson.Error(StatusCodes.Status501NotImplemented, null, GroupsNotSupported));
        scim.Map("/Groups/{**rest}", (HttpContext context) => HttpMethods.IsGet(context.Request.Method)
            ? ScimJson.Error(StatusCodes.Status404NotFound, null, $"No such group: {GroupsNotSupported}")
            : ScimJson.Error(StatusCodes.Status501NotImplemented, null, GroupsNotSupported));
        scim.Map("/Bulk", () => ScimJson.Error(StatusCodes.Status501NotImplemented, null, "Bulk operations are not supported (ServiceProviderConfig: bulk.supported false)."));
        scim.Map("/Me", () => ScimJson.Error(StatusCodes.Status501NotImplemented, null, "/Me is not supported: SCIM clients here are identity providers, not users."));
        scim.Map("/{**rest}", (HttpContext context) => ScimJson.Error(StatusCodes.Status404NotFound, null, $"Nothing at {context.Request.Path}: this service provides /Users."));
        return endpoints;
    }

    /// <summary>What a client that provisions groups is told.</summary>
    public const string GroupsNotSupported = "Groups are not supported: provision users only (in Entra ID, turn off the Groups mapping; in Okta, do not push groups).";

    private static async Task<IResult> ListAsync(HttpContext context, ScimUsers users)
    {
        var query = context.Request.Query;
        ScimFilter? filter = null;
        if (query.TryGetValue("filter", out var text) && !ScimFilter.TryParse(text.ToString(), out filter, out var error))
        {
            throw ScimException.InvalidFilter(error!);
        }

        // RFC 7644 section 3.4.2.4: a startIndex below 1 is 1, a negative count is 0.
        var startIndex = Math.Max(1, ScimJson.Integer(query["startIndex"].FirstOrDefault(), "startIndex", 1));
        var count = Math.Clamp(ScimJson.Integer(query["count"].FirstOrDefault(), "count", ScimUsers.MaxResults), 0, ScimUsers.MaxResults);
        var (total, page) = await users.ListAsync(filter, startIndex, count, context.RequestAborted);
        var baseUrl = BaseUrl(context);
        var list = ScimDiscovery.List([.. page.Select(user => ScimUsers.Resource(user, UserLocation(baseUrl, user.Id)))], total, startIndex);
        return ScimJson.Result(list);
    }

    private static async Task<IResult> GetAsync(string id, HttpContext context, ScimUsers users) =>
        UserResult(context, await users.FindAsync(id));

    private static async Task<IResult> CreateAsync(HttpContext context, ScimUsers users)
    {
        var draft = ScimUserDraft.FromResource(await ScimJson.ReadBodyAsync(context.Request, context.RequestAborted));
        var user = await users.CreateAsync(draft, ScimAccess.ActorOf(context));
        return UserResult(context, user, StatusCodes.Status201Created);
    }

    private static async Task<IResult> ReplaceAsync(string id, HttpContext context, ScimUsers users)
    {
        var body = await ScimJson.ReadBodyAsync(context.Request, context.RequestAborted);
        var user = await users.FindAsync(id);
        await users.UpdateAsync(user, ScimUserDraft.FromResource(body), ScimAccess.ActorOf(context));
        return UserResult(context, user);
    }

    private static async Task<IResult> PatchAsync(string id, HttpContext context, ScimUsers users)
    {
        var body = await ScimJson.ReadBodyAsync(context.Request, context.RequestAborted);
        var user = await users.FindAsync(id);
        var draft = ScimUserDraft.Of(user);
        draft.Patch(body);
        await users.UpdateAsync(user, draft, ScimAccess.ActorOf(context));
        return UserResult(context, user);
    }

    private static async Task<IResult> DeleteAsync(string id, HttpContext context, ScimUsers users)
    {
        await users.DeleteAsync(await users.FindAsync(id), ScimAccess.ActorOf(context));
        return Results.NoContent();
    }

    private static IResult UserResult(HttpContext context, Users.User user, int status = StatusCodes.Status200OK)
    {
        var location = UserLocation(BaseUrl(context), user.Id);
        return ScimJson.Result(ScimUsers.Resource(user, location), status, status == StatusCodes.Status201Created ? location : null);
    }

    /// <summary>This service's SCIM base URL, from its configured public URL (JwtIssuer:Issuer), never the request's Host.</summary>
    private static string BaseUrl(HttpContext context) => context.RequestServices.GetRequiredService<IssuerModel>().Issuer.TrimEnd('/') + Prefix;

    private static string UserLocation(string baseUrl, string id) => $"{baseUrl}/Users/{Uri.EscapeDataString(id)}";
}

/// <summary>The discovery documents (RFC 7644 section 4) and the list envelope.</summary>
internal static class ScimDiscovery
{
    /// <summary>A ListResponse: every resource, or one page of <paramref name="total"/>.</summary>
    public static JsonObject List(JsonNode[] resources, int? total = null, int startIndex = 1) => new()
    {
        ["schemas"] = new JsonArray(ScimSchemas.ListResponse),
        ["totalResults"] = total ?? resources.Length,
        ["startIndex"] = startIndex,
        ["itemsPerPage"] = resources.Length,
        ["Resources"] = new JsonArray(resources),
    };

    public static JsonObject ServiceProviderConfig(string baseUrl) => new()
    {
        ["schemas"] = new JsonArray(ScimSchemas.ServiceProviderConfig),
        ["patch"] = new JsonObject { ["supported"] = true },
        ["bulk"] = new JsonObject { ["supported"] = false, ["maxOperations"] = 0, ["maxPayloadSize"] = 0 },
        ["filter"] = new JsonObject { ["supported"] = true, ["maxResults"] = ScimUsers.MaxResults },
        ["changePassword"] = new JsonObject { ["supported"] = false },
        ["sort"] = new JsonObject { ["supported"] = false },
        ["etag"] = new JsonObject { ["supported"] = false },
        ["authenticationSchemes"] = new JsonArray(new JsonObject
        {
            ["type"] = "oauthbearertoken",
            ["name"] = "Bearer token",
            ["description"] = "A token made with 'jwt-issuer scim token create NAME', sent as Authorization: Bearer TOKEN.",
            ["primary"] = true,
        }),
        ["meta"] = new JsonObject { ["resourceType"] = "ServiceProviderConfig", ["location"] = $"{baseUrl}/ServiceProviderConfig" },
    };

    public static JsonObject UserResourceType(string baseUrl) => new()
    {
        ["schemas"] = new JsonArray(ScimSchemas.ResourceType),
        ["id"] = "User",
        ["name"] = "User",
        ["endpoint"] = "/Users",
        ["description"] = "An agent: signs in here and receives tokens for the help desk.",
        ["schema"] = ScimSchemas.User,
        ["meta"] = new JsonObject { ["resourceType"] = "ResourceType", ["location"] = $"{baseUrl}/ResourceTypes/User" },
    };

    /// <summary>The User schema, as far as this service keeps it: what is not listed is accepted and not stored.</summary>
    public static JsonObject UserSchema(string baseUrl) => new()
    {
        ["schemas"] = new JsonArray(ScimSchemas.Schema),
        ["id"] = ScimSchemas.User,
        ["name"] = "User",
        ["description"] = "An agent. Attributes not listed here are accepted and not kept.",
        ["attributes"] = new JsonArray(
            Attribute("userName", required: true, uniqueness: "server"),
            Attribute("externalId", caseExact: true),
            Attribute("name", type: "complex", subAttributes: [Attribute("formatted"), Attribute("givenName"), Attribute("familyName")]),
            Attribute("displayName"),
            Attribute("emails", type: "complex", multiValued: true, subAttributes: [Attribute("value"), Attribute("type"), Attribute("primary", type: "boolean")]),
            Attribute("active", type: "boolean")),
        ["meta"] = new JsonObject { ["resourceType"] = "Schema", ["location"] = $"{baseUrl}/Schemas/{ScimSchemas.User}" },
    };

    private static JsonObject Attribute(string name, string type = "string", bool required = false, bool caseExact = false, bool multiValued = false, string uniqueness = "none", JsonObject[]? subAttributes = null)
    {
        var attribute = new JsonObject
        {
            ["name"] = name,
            ["type"] = type,
            ["multiValued"] = multiValued,
            ["required"] = required,
            ["caseExact"] = caseExact,
            ["mutability"] = "readWrite",
            ["returned"] = "default",
            ["uniqueness"] = uniqueness,
        };
        if (subAttributes is not null)
        {
            attribute["subAttributes"] = new JsonArray(subAttributes);
        }

        return attribute;
    }
}
