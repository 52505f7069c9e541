using System.Security.Cryptography;
using JwtIssuer.Server.Audit;
using JwtIssuer.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace JwtIssuer.Server.Scim;

/// <summary>Makes, lists, checks and revokes <see cref="ScimToken"/>s; the command line and the admin area share it.</summary>
public sealed class ScimTokens(JwtIssuerDbContext database, AuditLog audit, TimeProvider time)
{
    /// <summary>How often a token's "last used" is written: at most once a minute, not once a request.</summary>
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    /// <summary>The longest bearer value hashed; a token is 48 characters.</summary>
    private const int MaxTokenLength = 256;

    /// <summary>A token named <paramref name="name"/>, recorded in the audit trail with who made it; returns it, shown once and not kept.</summary>
    /// <exception cref="ScimTokenException">The name is not allowed or is taken.</exception>
    public async Task<string> CreateAsync(string name, string actor, CancellationToken cancellationToken = default)
    {
        if (!ScimToken.IsValidName(name))
        {
            throw new ScimTokenException($"'{name}' cannot name a SCIM token: use letters, digits, '.', '_' and '-', at most {ScimToken.MaxNameLength}");
        }

        var secret = ScimToken.NewSecret();
        var token = new ScimToken { Name = name, Hash = ScimToken.HashOf(secret), CreatedAt = time.GetUtcNow().UtcDateTime };
        database.ScimTokens.Add(token);
        try
        {
            await database.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (DatabaseErrors.IsUniqueViolation(ex))
        {
            database.Entry(token).State = EntityState.Detached;
            throw new ScimTokenException($"a SCIM token named '{name}' exists already; revoke it first or choose another name");
        }

        try
        {
            await audit.ScimTokenChangedAsync(AuditOutcomes.ScimTokenCreated, name, actor);
        }
        catch (AuditStoreUnavailableException)
        {
            // A token nobody saw and the trail does not know would only be a risk: it goes again.
            await database.ScimTokens.Where(t => t.Id == token.Id).ExecuteDeleteAsync(CancellationToken.None);
            throw;
        }

        return secret;
    }

    /// <summary>Every token, oldest first (never its hash).</summary>
    public Task<List<ScimTokenInfo>> ListAsync(CancellationToken cancellationToken = default) =>
        database.ScimTokens.AsNoTracking().OrderBy(token => token.Id)
            .Select(token => new ScimTokenInfo(token.Name, token.CreatedAt, token.LastUsedAt))
            .ToListAsync(cancellationToken);

    /// <summary>Deletes the token (its next request gets a 401), recorded in the audit trail. False when there is none by that name.</summary>
    public async Task<bool> RevokeAsync(string name, string actor, CancellationToken cancellationToken = default)
    {
        if (await database.ScimTokens.Where(token => token.Name == name).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            return false;
        }

        await audit.ScimTokenChangedAsync(AuditOutcomes.ScimTokenRevoked, name, actor);
        return true;
    }

    /// <summary>Whether any token exists: without one, the SCIM routes do not answer at all.</summary>
    public Task<bool> AnyAsync(CancellationToken cancellationToken = default) => database.ScimTokens.AnyAsync(cancellationToken);

    /// <summary>
    /// The name of the token whose value <paramref name="presented"/> is, or null; also null (with <paramref name="anyExists"/>
    /// false) when no token exists. Every stored hash is compared in constant time, and all of them, so neither the time
    /// taken nor the order of the rows tells a guesser anything.
    /// </summary>
    public async Task<(string? Name, bool AnyExists)> AuthenticateAsync(string? presented, CancellationToken cancellationToken = default)
    {
        var tokens = await database.ScimTokens.AsNoTracking().Select(token => new { token.Id, token.Name, token.Hash, token.LastUsedAt }).ToListAsync(cancellationToken);
        if (tokens.Count == 0)
        {
            return (null, false);
        }

        var hash = ScimToken.HashOf(presented is { Length: > 0 and <= MaxTokenLength } ? presented : string.Empty);
        var match = -1;
        for (var i = 0; i < tokens.Count; i++)
        {
            // No early exit: a match in the first row costs what a match in the last does.
            match = CryptographicOperations.FixedTimeEquals(hash, tokens[i].Hash) && presented is { Length: > 0 and <= MaxTokenLength } ? i : match;
        }

        if (match < 0)
        {
            return (null, true);
        }

        var found = tokens[match];
        var now = time.GetUtcNow().UtcDateTime;
        if (found.LastUsedAt is not { } last || now - last >= LastUsedResolution)
        {
            await database.ScimTokens.Where(token => token.Id == found.Id)
                .ExecuteUpdateAsync(token => token.SetProperty(t => t.LastUsedAt, now), cancellationToken);
        }

        return (found.Name, true);
    }
}

/// <summary>A token as listed: its name, when it was made and last used (UTC).</summary>
public sealed record ScimTokenInfo(string Name, DateTime CreatedAt, DateTime? LastUsedAt);

/// <summary>A token that could not be made, with a message for the person who asked.</summary>
public sealed class ScimTokenException(string message) : Exception(message);
