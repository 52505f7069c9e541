using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace EmbeddedApp;

/// <summary>One person who may sign in to the sample app.</summary>
/// <param name="Email">The sign-in name, and the email Comm100 knows the agent by.</param>
/// <param name="Name">The display name.</param>
/// <param name="PasswordHash">An ASP.NET Core Identity password hash (PBKDF2).</param>
/// <param name="IsAgent">Whether this person works in Comm100's agent console.</param>
public sealed record Person(string Email, string Name, string PasswordHash, bool IsAgent);

/// <summary>
/// The sample's user store: the <c>People</c> configuration section, or in Development with none configured, one demo
/// agent whose random password is printed at start-up. A real app has its own (Identity, a database, an identity
/// provider); what matters to the library is only the principal its sign-in produces.
/// </summary>
public sealed class AgentDirectory
{
    public const string DemoEmail = "agent@example.com";

    private static readonly PasswordHasher<Person> Hasher = new();
    private static readonly string DummyHash = Hasher.HashPassword(null!, Guid.NewGuid().ToString());

    private readonly Dictionary<string, Person> _people;

    public AgentDirectory(IConfiguration configuration, IHostEnvironment environment)
    {
        _people = configuration.GetSection("People").Get<List<Person>>()?
            .ToDictionary(person => person.Email, StringComparer.OrdinalIgnoreCase) ?? [];
        if (_people.Count == 0 && environment.IsDevelopment())
        {
            var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12));
            _people[DemoEmail] = new Person(DemoEmail, "Demo Agent", Hash(password), IsAgent: true);
            Console.WriteLine($"Development: sign in as {DemoEmail} with password {password}");
        }
    }

    /// <summary>The person with this email and password, or null; the same hashing work either way.</summary>
    public Person? Verify(string email, string password)
    {
        var person = _people.GetValueOrDefault(email);
        var result = Hasher.VerifyHashedPassword(person!, person?.PasswordHash ?? DummyHash, password);
        return person is not null && result != PasswordVerificationResult.Failed ? person : null;
    }

    /// <summary>A hash for the <c>People</c> section.</summary>
    public static string Hash(string password) => Hasher.HashPassword(null!, password);
}
