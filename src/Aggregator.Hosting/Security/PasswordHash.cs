using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Aggregator.Hosting;

/// <summary>
/// Password hashes for basic auth, so that configuration never holds a password in plain text. The default scheme is
/// bcrypt (<c>$2y$10$…</c>), the exporter toolkit's, so a <c>basic_auth_users</c> hash from any <c>web.yml</c> works
/// here. PBKDF2-HMAC-SHA256 (<c>pbkdf2-sha256$ITERATIONS$SALT$HASH</c>, salt and hash in base64) is read too, for
/// configurations written before bcrypt and for sites that must use a FIPS 140 approved algorithm. Create a hash with
/// <see cref="Create"/> or <c>dotnet Aggregator.Node.dll hash-password</c>.
/// </summary>
public static partial class PasswordHash
{
    /// <summary>The bcrypt cost <see cref="Create"/> uses: 2^10 rounds, as in the toolkit's documentation (tens of ms).</summary>
    public const int DefaultBcryptCost = 10;

    /// <summary>The PBKDF2 iterations <see cref="CreatePbkdf2"/> uses: OWASP's 2023 recommendation for HMAC-SHA256.</summary>
    public const int DefaultPbkdf2Iterations = 600_000;

    private const string Pbkdf2Scheme = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    // bcrypt keys are at most 72 bytes; longer passwords would be cut silently, so they are refused instead.
    private const int BcryptMaxPasswordBytes = 72;

    /// <summary>Hashes <paramref name="password"/> with bcrypt and a fresh random salt.</summary>
    /// <exception cref="ArgumentException">The password is longer than bcrypt's 72 bytes.</exception>
    public static string Create(string password, int cost = DefaultBcryptCost)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(cost, 4);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(cost, 31);
        if (Encoding.UTF8.GetByteCount(password) > BcryptMaxPasswordBytes)
        {
            throw new ArgumentException($"A bcrypt password can have at most {BcryptMaxPasswordBytes} bytes.", nameof(password));
        }

        return BCrypt.Net.BCrypt.HashPassword(password, BCrypt.Net.BCrypt.GenerateSalt(cost, 'y'));
    }

    /// <summary>Hashes <paramref name="password"/> with PBKDF2-HMAC-SHA256 and a fresh random salt.</summary>
    public static string CreatePbkdf2(string password, int iterations = DefaultPbkdf2Iterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Create(CultureInfo.InvariantCulture, $"{Pbkdf2Scheme}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>Whether <paramref name="password"/> matches <paramref name="encodedHash"/> (bcrypt or PBKDF2, compared in constant time).</summary>
    /// <exception cref="FormatException">The hash is in neither format; the message says why.</exception>
    public static bool Verify(string password, string encodedHash)
    {
        ArgumentNullException.ThrowIfNull(password);
        return Parse(encodedHash).Verify(password);
    }

    /// <summary>Checks that <paramref name="encodedHash"/> is a well-formed hash (used when reading configuration).</summary>
    /// <exception cref="FormatException">It is not; the message says why.</exception>
    public static void Validate(string encodedHash) => Parse(encodedHash);

    /// <summary>Reads a hash into something that verifies passwords against it.</summary>
    internal static PasswordVerifier Parse(string encodedHash)
    {
        if (encodedHash is null || encodedHash.Length == 0)
        {
            throw new FormatException("A password hash is empty.");
        }

        if (encodedHash.StartsWith('$'))
        {
            var match = BcryptPattern().Match(encodedHash);
            if (!match.Success)
            {
                throw new FormatException("A bcrypt hash must look like '$2y$COST$' followed by 53 characters of salt and hash.");
            }

            var cost = int.Parse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);
            return cost is >= 4 and <= 31
                ? new BcryptVerifier(encodedHash, cost)
                : throw new FormatException($"A bcrypt hash's cost must be between 4 and 31, not {cost}.");
        }

        var parts = encodedHash.Split('$');
        if (parts.Length != 4 || parts[0] != Pbkdf2Scheme)
        {
            throw new FormatException($"A password hash must be a bcrypt hash ('$2y$10$…') or look like '{Pbkdf2Scheme}$ITERATIONS$SALT$HASH' (not a plain password).");
        }

        try
        {
            var iterations = int.Parse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture);
            var salt = Convert.FromBase64String(parts[2]);
            var hash = Convert.FromBase64String(parts[3]);
            return iterations > 0 && salt.Length > 0 && hash.Length > 0
                ? new Pbkdf2Verifier(iterations, salt, hash)
                : throw new FormatException("A password hash has an empty part.");
        }
        catch (OverflowException error)
        {
            throw new FormatException("A password hash's iteration count is out of range.", error);
        }
    }

    [GeneratedRegex(@"^\$2[abxy]?\$([0-9]{2})\$[./A-Za-z0-9]{53}$", RegexOptions.CultureInvariant)]
    private static partial Regex BcryptPattern();

    /// <summary>One parsed hash.</summary>
    internal abstract class PasswordVerifier
    {
        /// <summary>What this scheme and its work factor cost, to pick the stand-in for unknown users.</summary>
        public abstract (string Scheme, int Work) Parameters { get; }

        public abstract bool Verify(string password);

        /// <summary>A hash of a random password with the same scheme and work factor: an unknown user is checked against it.</summary>
        public abstract PasswordVerifier CreateDummy();
    }

    private sealed class BcryptVerifier(string hash, int cost) : PasswordVerifier
    {
        public override (string Scheme, int Work) Parameters => ("bcrypt", cost);

        public override bool Verify(string password)
        {
            // Too long a password is compared with a key of the same length anyway, so that the answer takes as long.
            var tooLong = Encoding.UTF8.GetByteCount(password) > BcryptMaxPasswordBytes;
            var matches = BCrypt.Net.BCrypt.Verify(tooLong ? password[..BcryptMaxPasswordBytes] : password, hash);
            return matches && !tooLong;
        }

        public override PasswordVerifier CreateDummy() =>
            new BcryptVerifier(BCrypt.Net.BCrypt.HashPassword(Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)), BCrypt.Net.BCrypt.GenerateSalt(cost, 'y')), cost);
    }

    private sealed class Pbkdf2Verifier(int iterations, byte[] salt, byte[] expected) : PasswordVerifier
    {
        public override (string Scheme, int Work) Parameters => (Pbkdf2Scheme, iterations);

        public override bool Verify(string password)
        {
            var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
            return CryptographicOperations.FixedTimeEquals(actual, expected);
        }

        public override PasswordVerifier CreateDummy() =>
            new Pbkdf2Verifier(iterations, RandomNumberGenerator.GetBytes(SaltBytes), RandomNumberGenerator.GetBytes(expected.Length));
    }
}
