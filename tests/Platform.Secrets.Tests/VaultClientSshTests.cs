using System.Text.Json.Nodes;
using Platform.Core;

namespace Platform.Secrets.Tests;

[TestFixture]
public sealed class VaultClientSshTests : VaultStubFixture
{
    [Test]
    public async Task SshSign_SendsTheDocumentedFields_AndReturnsTheCertificate()
    {
        var publicKey = TestKeys.Ed25519PublicKey();

        var certificate = await Client().SignSshKeyAsync(publicKey, "root", TimeSpan.FromMinutes(30));

        var request = Stub.Requests.Single();
        var body = JsonNode.Parse(request.Body)!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(request.Path, Is.EqualTo("/v1/ssh/sign/platform-deploy"));
            Assert.That(body["public_key"]!.GetValue<string>(), Is.EqualTo(string.Join(' ', publicKey.Split(' ')[..2])));
            Assert.That(body["valid_principals"]!.GetValue<string>(), Is.EqualTo("root"));
            Assert.That(body["ttl"]!.GetValue<string>(), Is.EqualTo("30m"));
            Assert.That(body["cert_type"]!.GetValue<string>(), Is.EqualTo("user"));
            Assert.That(certificate.SignedKey, Does.StartWith("ssh-ed25519-cert-v01@openssh.com ").And.Not.EndWith("\n"));
            Assert.That(certificate.SerialNumber, Is.EqualTo("c73f26d2340276aa"));
        }
    }

    [Test]
    public async Task SshCaPublicKey_IsReadFromConfigCa()
    {
        var key = await Client().GetSshCaPublicKeyAsync();

        Assert.That(key.KeyText, Is.EqualTo(VaultStub.SshCaPublicKey));
        Assert.That((Stub.Requests.Single().Method, Stub.Requests.Single().Path), Is.EqualTo(("GET", "/v1/ssh/config/ca")));
    }

    [Test]
    public async Task SshSign_OnAMissingMount_IsNotFound_QuotingVault()
    {
        var client = Client(TokenOptions() with { SshMount = "ssh-elsewhere" });

        var error = await Assert.ThrowsAsync<VaultNotFoundException>(() => client.SignSshKeyAsync(TestKeys.Ed25519PublicKey(), "root", TimeSpan.FromMinutes(5)));

        Assert.That(error!.Message, Does.Contain("POST /v1/ssh-elsewhere/sign/platform-deploy").And.Contain("no handler for route"));
    }

    [Test]
    public async Task SshSign_RefusesAPrivateKey_BeforeSendingAnything()
    {
        const string privateKey = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";

        var error = await Assert.ThrowsAsync<PlatformException>(() => Client().SignSshKeyAsync(privateKey, "root", TimeSpan.FromMinutes(5)));

        Assert.That(error!.Message, Does.Contain("PRIVATE key"));
        Assert.That(Stub.Requests, Is.Empty);
    }
}
