using Platform.Core;
using Platform.TestSupport;

namespace Platform.Provision.Tests;

public sealed class InventoryTests
{
    private const string Valid = """
        {"environment":"local","serviceUrl":"http://127.0.10.10:8080","hosts":[
          {"name":"lb","roles":["lb"],"address":"127.0.10.10","sshPort":2222,"sshUser":"root","hostKeyFingerprint":"SHA256:abc","baseDir":"/srv/lb"},
          {"name":"web-1","roles":["app"],"address":"127.0.10.11","sshPort":2222,"sshUser":"root","hostKeyFingerprint":"SHA256:def","baseDir":"/srv/web-1"}
        ]}
        """;

    [Test]
    public void Parses_hosts_and_roles()
    {
        var inventory = Inventory.Parse(Valid, "inventory.json");

        Assert.That(inventory.Hosts.Select(h => h.Name), Is.EqualTo(new[] { "lb", "web-1" }));
        Assert.That(inventory.AppNodes.Single().Address, Is.EqualTo("127.0.10.11"));
        Assert.That(inventory.SingleWithRole("lb").SshPort, Is.EqualTo(2222));
    }

    [Test]
    public void The_Inventory_target_prints_one_aligned_line_per_host_with_its_pinned_host_key()
    {
        var scratch = RepositoryRoot.NewScratch("inventory-step");
        try
        {
            var layout = new EnvironmentLayout(scratch, "local");
            Directory.CreateDirectory(layout.ArtifactsDir);
            File.WriteAllText(layout.InventoryFile, Valid);
            var reporter = new RecordingReporter();

            var inventory = new InventoryStep(new RunContext(layout, RunArguments.Empty, false, reporter)).Run();

            Assert.That(inventory.Hosts, Has.Count.EqualTo(2));
            Assert.That(reporter.Text, Does.Contain("Environment 'local': service http://127.0.10.10:8080"));
            Assert.That(reporter.Text, Does.Contain("HOST   ROLES  SSH                    HOST KEY"));
            Assert.That(reporter.Text, Does.Contain("lb     lb     root@127.0.10.10:2222  SHA256:abc"));
            Assert.That(reporter.Text, Does.Contain("web-1  app    root@127.0.10.11:2222  SHA256:def"));
        }
        finally
        {
            RepositoryRoot.RemoveScratch(scratch);
        }
    }

    [Test]
    public void Round_trips_through_its_own_json()
    {
        var inventory = Inventory.Parse(Valid, "a");
        var again = Inventory.Parse(inventory.ToJson(), "b");

        Assert.That(again.Hosts, Is.EqualTo(inventory.Hosts).Using<InventoryHost>((x, y) => x.Name == y.Name && x.Address == y.Address && x.HostKeyFingerprint == y.HostKeyFingerprint));
    }

    [Test]
    public void Missing_file_names_the_path_and_says_to_apply()
    {
        var error = Assert.Throws<PlatformException>(() => Inventory.Load("/nonexistent/inventory.json"));

        Assert.That(error!.Message, Does.Contain("/nonexistent/inventory.json").And.Contain("--target=Apply"));
    }

    [Test]
    public void Malformed_json_names_the_file_and_line()
    {
        var error = Assert.Throws<PlatformException>(() => Inventory.Parse("{\n \"environment\": \"local\",\n \"hosts\": [ oops ]\n}", "inventory.json"));

        Assert.That(error!.Message, Does.Contain("inventory.json").And.Contain("line 3"));
    }

    [Test]
    public void Missing_required_field_is_named()
    {
        var json = Valid.Replace("\"address\":\"127.0.10.11\",", string.Empty, StringComparison.Ordinal);

        var error = Assert.Throws<PlatformException>(() => Inventory.Parse(json, "inventory.json"));

        Assert.That(error!.Message, Does.Contain("inventory.json").And.Contain("address"));
    }

    [Test]
    public void Fingerprint_must_be_sha256()
    {
        var json = Valid.Replace("SHA256:def", "MD5:xx", StringComparison.Ordinal);

        var error = Assert.Throws<PlatformException>(() => Inventory.Parse(json, "inventory.json"));

        Assert.That(error!.Message, Does.Contain("hosts[1]").And.Contain("hostKeyFingerprint"));
    }

    // Both reach bash scripts on the hosts and HAProxy's runtime API commands, where a space, ';' or a newline would be a command of its own.
    [TestCase("\"address\":\"127.0.10.11\"", "\"address\":\"127.0.10.11; reboot\"", "address", "'127.0.10.11; reboot', not an IP address or DNS name")]
    [TestCase("\"address\":\"127.0.10.11\"", "\"address\":\"127.0.10.11\\nset server x\"", "address", "not an IP address or DNS name")]
    [TestCase("\"name\":\"web-1\"", "\"name\":\"web 1\"", "name", "'web 1': only letters, digits")]
    [TestCase("\"name\":\"web-1\"", "\"name\":\"web-1\\n\"", "name", "only letters, digits")]
    [TestCase("\"address\":\"127.0.10.11\"", "\"address\":\"::1%x;reboot\"", "address", "'::1%x;reboot', not an IP address or DNS name")]
    [TestCase("\"address\":\"127.0.10.11\"", "\"address\":\"::1%$(id)\"", "address", "not an IP address or DNS name")]
    public void Names_and_addresses_that_a_command_could_not_carry_are_refused(string field, string bad, string named, string message)
    {
        var json = Valid.Replace(field, bad, StringComparison.Ordinal);

        var error = Assert.Throws<PlatformException>(() => Inventory.Parse(json, "inventory.json"));

        Assert.That(error!.Message, Does.Contain("hosts[1]").And.Contain($"field '{named}'").And.Contain(message));
    }

    [TestCase("db-1.internal.example")]
    [TestCase("::1")]
    public void A_dns_name_or_an_ipv6_address_is_an_address(string address)
    {
        var inventory = Inventory.Parse(Valid.Replace("127.0.10.11", address, StringComparison.Ordinal), "inventory.json");

        Assert.That(inventory.AppNodes.Single().Address, Is.EqualTo(address));
    }

    [Test]
    public void Duplicate_host_names_are_refused()
    {
        var json = Valid.Replace("\"name\":\"web-1\"", "\"name\":\"lb\"", StringComparison.Ordinal);

        var error = Assert.Throws<PlatformException>(() => Inventory.Parse(json, "inventory.json"));

        Assert.That(error!.Message, Does.Contain("'lb' appears 2 times").And.Contain("run Apply again"));
    }

    [Test]
    public void Unknown_host_lists_the_known_ones()
    {
        var error = Assert.Throws<PlatformException>(() => Inventory.Parse(Valid, "i").Host("web-9"));

        Assert.That(error!.Message, Does.Contain("web-9").And.Contain("lb, web-1"));
    }

    [Test]
    public async Task Builder_computes_the_fingerprint_from_the_host_key_file_like_ssh_keygen()
    {
        var scratch = RepositoryRoot.NewScratch("invbuilder");
        try
        {
            var key = Path.Combine(scratch, "host_key");
            await SshKeygen.NewPairAsync(key);
            var expected = await SshKeygen.FingerprintAsync(key + ".pub");
            var outputs = System.Text.Json.Nodes.JsonNode.Parse($$$"""
                {"inventory":{"environment":"local","serviceUrl":"http://x","hosts":[
                  {"name":"web-1","roles":["app"],"address":"127.0.10.11","sshPort":2222,"sshUser":"root","hostKeyFile":"{{{key}}}.pub","baseDir":"/b"}]}}
                """)!.AsObject();

            var inventory = InventoryBuilder.Build(outputs);

            Assert.That(inventory.Hosts[0].HostKeyFingerprint, Is.EqualTo(expected));
        }
        finally
        {
            RepositoryRoot.RemoveScratch(scratch);
        }
    }

    [Test]
    public void Builder_refuses_outputs_without_an_inventory()
    {
        var error = Assert.Throws<PlatformException>(() => InventoryBuilder.Build(new System.Text.Json.Nodes.JsonObject()));

        Assert.That(error!.Message, Does.Contain("'inventory' output"));
    }
}
