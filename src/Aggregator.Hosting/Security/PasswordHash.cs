using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Aggregator.Hosting;

/// <summary>
/// Password hashes for basic auth, so that configuration never holds a password in plain text:
/// <c>pbkdf2-sha256$ITERATIONS$SALT$HASH</c> (salt and hash in base64). Create one with <see cref="Create"/> or
/// <c>dotnet Aggregator.Node.dll hash-password</c>.
/// </summary>
public static class PasswordHash
{
    private const string Scheme = "pbkdf2-sha256";

    // OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256.
    private const int DefaultIterations = 600_000;

    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    /// <summary>Hashes <paramref name="password"/> with a fresh random salt.</summary>
    public static string Create(string password, int iterations = DefaultIterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Create(CultureInfo.InvariantCulture, $"{Scheme}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>Whether <paramref name="password"/> matches <paramref name="encodedHash"/> (compared in constant time).</summary>
    /// <exception cref="FormatException">The hash is not in the format above; the message says why.</exception>
    public static bool Verify(string password, string encodedHash)
    {
        ArgumentNullException.ThrowIfNull(password);
        var (iterations, salt, expected) = Parse(encodedHash);
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>Checks that <paramref name="encodedHash"/> is a well-formed hash (used when reading configuration).</summary>
    /// <exception cref="FormatException">It is not; the message says why.</exception>
    public static void Validate(string encodedHash) => Parse(encodedHash);

    private static (int Iterations, byte[] Salt, byte[] Hash) Parse(string encodedHash)
    {
        var parts = encodedHash?.Split('$') ?? [];
        if (parts.Length != 4 || parts[0] != Scheme)
        {
            throw new FormatException($"A password hash must look like '{Scheme}$ITERATIONS$SALT$HASH' (not a plain password).");
        }

        try
        {
            var iterations = int.Parse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture);
            var salt = Convert.FromBase64String(parts[2]);
            var hash = Convert.FromBase64String(parts[3]);
            return iterations > 0 && salt.Length > 0 && hash.Length > 0
                ? (iterations, salt, hash)
                : throw new FormatException("A password hash has an empty part.");
        }
        catch (OverflowException error)
        {
            throw new FormatException("A password hash's iteration count is out of range.", error);
        }
    }
}
