namespace JwtIssuer.Endpoints;

/// <summary>
/// Marks the token endpoint, wherever it is mapped (a host may put it under a prefix). A host that must treat it
/// apart reads this from the endpoint's metadata, never compares paths: the server skips its security-stamp
/// validator here, as the token endpoint checks the user's status itself.
/// </summary>
internal sealed class TokenEndpointMetadata
{
    public static readonly TokenEndpointMetadata Instance = new();

    private TokenEndpointMetadata()
    {
    }
}
