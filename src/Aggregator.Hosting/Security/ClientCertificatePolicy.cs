using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Aggregator.Hosting;

/// <summary>
/// Decides whether a client's certificate is accepted, with Go's <c>tls.ClientAuthType</c> semantics and the toolkit's
/// <c>client_allowed_sans</c>.
/// </summary>
internal sealed class ClientCertificatePolicy
{
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";
    private const string AnyExtendedKeyUsage = "2.5.29.37.0";
    private const string SubjectAlternativeName = "2.5.29.17";

    private readonly ClientAuthType _mode;
    private readonly IReadOnlyList<string> _allowedSans;

    public ClientCertificatePolicy(ClientAuthType mode, IReadOnlyList<string> allowedSans)
    {
        _mode = mode;
        _allowedSans = allowedSans;
    }

    /// <summary>Whether the server asks for a client certificate at all.</summary>
    public bool Requests => _mode != ClientAuthType.NoClientCert;

    private bool Requires => _mode is ClientAuthType.RequireAnyClientCert or ClientAuthType.RequireAndVerifyClientCert;

    private bool Verifies => _mode is ClientAuthType.VerifyClientCertIfGiven or ClientAuthType.RequireAndVerifyClientCert;

    /// <summary>
    /// Whether the handshake may go on with <paramref name="certificate"/> (null: the client sent none).
    /// <paramref name="trusted"/> null means the system's roots, as Go uses when no client CA is given.
    /// </summary>
    public bool Accept(X509Certificate? certificate, X509Chain? presented, X509Certificate2Collection? trusted)
    {
        if (certificate is null)
        {
            // With allowed SANs, a connection without a certificate has no SAN to allow it; the toolkit refuses it too
            // (its SAN check fails on the missing certificate).
            return !Requires && _allowedSans.Count == 0;
        }

        using var owned = certificate as X509Certificate2 is null ? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()) : null;
        var leaf = owned ?? (X509Certificate2)certificate;
        if (Verifies && !ChainsForClientAuthentication(leaf, presented, trusted))
        {
            return false;
        }

        // Go checks the SANs in every mode that asks for a certificate, verified or not.
        return _allowedSans.Count == 0 || CarriesAllowedSan(leaf);
    }

    private static bool ChainsForClientAuthentication(X509Certificate2 leaf, X509Chain? presented, X509Certificate2Collection? trusted)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        if (trusted is not null)
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
        }

        // The intermediates the client sent with its certificate.
        if (presented is not null)
        {
            chain.ChainPolicy.ExtraStore.AddRange(presented.ChainPolicy.ExtraStore);
        }

        if (!chain.Build(leaf))
        {
            return false;
        }

        // Go's rule: every certificate in the chain that restricts its use must allow client authentication (or any
        // use); one without the extension allows every use.
        foreach (var element in chain.ChainElements)
        {
            if (element.Certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault() is { } usage
                && !usage.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Any(oid => oid.Value is ClientAuthentication or AnyExtendedKeyUsage))
            {
                return false;
            }
        }

        return true;
    }

    private bool CarriesAllowedSan(X509Certificate2 certificate)
    {
        foreach (var san in SubjectAlternativeNames(certificate))
        {
            foreach (var allowed in _allowedSans)
            {
                if (Matches(san, allowed))
                {
                    return true;
                }
            }
        }

        return false;
    }

    // Go compares the strings exactly. DNS names are compared without case, since DNS has none, and IP addresses as
    // addresses, so that "::1" and "0:0:0:0:0:0:0:1" are the same address.
    private static bool Matches((int Kind, string Value) san, string allowed) => san.Kind switch
    {
        DnsName => string.Equals(san.Value, allowed, StringComparison.OrdinalIgnoreCase),
        IpAddress => IPAddress.TryParse(allowed, out var address) ? address.Equals(IPAddress.Parse(san.Value)) : san.Value == allowed,
        _ => string.Equals(san.Value, allowed, StringComparison.Ordinal),
    };

    private const int Email = 1;
    private const int DnsName = 2;
    private const int Uri = 6;
    private const int IpAddress = 7;

    /// <summary>The certificate's e-mail, DNS, URI and IP names (GeneralName tags 1, 2, 6, 7), as Go prints them.</summary>
    private static List<(int Kind, string Value)> SubjectAlternativeNames(X509Certificate2 certificate)
    {
        var names = new List<(int, string)>();
        var extension = certificate.Extensions[SubjectAlternativeName];
        if (extension is null)
        {
            return names;
        }

        try
        {
            var sequence = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
            while (sequence.HasData)
            {
                var tag = sequence.PeekTag();
                if (tag.TagClass != TagClass.ContextSpecific)
                {
                    sequence.ReadEncodedValue();
                    continue;
                }

                switch (tag.TagValue)
                {
                    case Email or DnsName or Uri:
                        names.Add((tag.TagValue, sequence.ReadCharacterString(UniversalTagNumber.IA5String, tag)));
                        break;
                    case IpAddress:
                        var address = new IPAddress(sequence.ReadOctetString(tag));
                        names.Add((IpAddress, (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString()));
                        break;
                    default:
                        sequence.ReadEncodedValue();
                        break;
                }
            }
        }
        catch (Exception error) when (error is AsnContentException or ArgumentException)
        {
            // A malformed extension allows nothing.
            names.Clear();
        }

        return names;
    }
}
