namespace Aggregator.Hosting.Tests.Security;

/// <summary>bcrypt by default, the toolkit's and htpasswd's hashes read, PBKDF2 kept as a second scheme.</summary>
public sealed class PasswordHashSpec
{
    // "fakepassword" hashed by htpasswd -nBC 10 ($2y$), as the exporter toolkit's documentation shows such hashes.
    private const string HtpasswdHash = "$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi";

    [Fact]
    public void Create_makes_a_bcrypt_hash_that_verifies()
    {
        var hash = PasswordHash.Create("s3cret", 5);

        Assert.StartsWith("$2y$05$", hash, StringComparison.Ordinal);
        Assert.Equal(60, hash.Length);
        Assert.True(PasswordHash.Verify("s3cret", hash));
        Assert.False(PasswordHash.Verify("s3cre", hash));
    }

    [Fact]
    public void A_hash_from_htpasswd_verifies()
    {
        Assert.True(PasswordHash.Verify("fakepassword", HtpasswdHash));
        Assert.False(PasswordHash.Verify("fakepassword2", HtpasswdHash));
    }

    [Theory]
    [InlineData("$2a$")]
    [InlineData("$2b$")]
    public void Every_bcrypt_revision_verifies(string prefix) =>
        Assert.True(PasswordHash.Verify("fakepassword", prefix + HtpasswdHash[4..]));

    [Fact]
    public void PBKDF2_hashes_still_verify()
    {
        var hash = PasswordHash.CreatePbkdf2("s3cret", 1000);

        Assert.StartsWith("pbkdf2-sha256$1000$", hash, StringComparison.Ordinal);
        Assert.True(PasswordHash.Verify("s3cret", hash));
        Assert.False(PasswordHash.Verify("s3cret ", hash));
    }

    [Fact]
    public void A_password_bcrypt_would_cut_is_refused_when_hashing()
    {
        var error = Assert.Throws<ArgumentException>(() => PasswordHash.Create(new string('x', 73), 4));

        Assert.Equal("A bcrypt password can have at most 72 bytes. (Parameter 'password')", error.Message);
    }

    [Theory]
    [InlineData("wonderland", "A password hash must be a bcrypt hash ('$2y$10$…') or look like 'pbkdf2-sha256$ITERATIONS$SALT$HASH' (not a plain password).")]
    [InlineData("", "A password hash is empty.")]
    [InlineData("$2y$10$short", "A bcrypt hash must look like '$2y$COST$' followed by 53 characters of salt and hash.")]
    [InlineData("$2y$32$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi", "A bcrypt hash's cost must be between 4 and 31, not 32.")]
    [InlineData("pbkdf2-sha256$99999999999$AA==$AA==", "A password hash's iteration count is out of range.")]
    public void A_malformed_hash_says_what_is_wrong(string hash, string message) =>
        Assert.Equal(message, Assert.Throws<FormatException>(() => PasswordHash.Validate(hash)).Message);
}
