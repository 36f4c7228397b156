using Platform.Core;
using Platform.TestSupport;
using YamlDotNet.Serialization;

namespace Platform.Provision.Tests;

/// <summary>
/// infra/digitalocean's cloud-init, which no droplet boots here: rendered by Terraform's own
/// <c>templatefile()</c> (<c>terraform console</c> needs no provider), read as YAML as cloud-init
/// reads it, and each file it writes checked by the program that reads it on the droplet:
/// <c>sshd -t</c>, <c>haproxy -c</c>, <c>systemd-analyze verify</c>; the lb's backend rewrite and the
/// db's configuration commands run on copies.
/// </summary>
[Category("Integration")]
public sealed class CloudInitTests
{
    private const string BaseDir = "/srv/catalog";
    private const string AdminPassword = "Adm1nPasswordFromTerraform";
    private string _dir = null!;
    private CommandRunner _runner = null!;

    [SetUp]
    public async Task CreateHostKey()
    {
        _dir = RepositoryRoot.NewScratch("cloud-init");
        _runner = new CommandRunner(new RecordingReporter(), new SecretRedactor());
        await SshKeygen.NewPairAsync(Path.Combine(_dir, "host_key"), comment: "lb");
    }

    [TearDown]
    public void RemoveFiles() => RepositoryRoot.RemoveScratch(_dir);

    [TestCase("app", "/etc/systemd/system/catalog@.service")]
    [TestCase("lb", "/etc/haproxy/haproxy.cfg")]
    [TestCase("db", null)]
    public async Task Every_role_renders_to_cloud_config_carrying_the_host_key_Terraform_made(string role, string? roleFile)
    {
        var config = await RenderAsync(role);

        Assert.That(config.Text, Does.StartWith("#cloud-config\n"), "cloud-init ignores user data without this first line");
        var keys = (Dictionary<object, object>)config.Root["ssh_keys"];
        Assert.That(((string)keys["ed25519_private"]).Trim(), Is.EqualTo((await File.ReadAllTextAsync(Path.Combine(_dir, "host_key"))).Trim()), "the key whose fingerprint the inventory pins, unbroken by the indentation");
        Assert.That(keys["ed25519_public"], Is.EqualTo((await File.ReadAllTextAsync(Path.Combine(_dir, "host_key.pub"))).Trim()));
        Assert.That(config.Root["ssh_pwauth"], Is.EqualTo("false"));
        Assert.That(config.FilePaths, Does.Contain("/etc/ssh/sshd_config.d/10-platform.conf"));
        Assert.That(config.FilePaths.Where(p => p is "/etc/systemd/system/catalog@.service" or "/etc/haproxy/haproxy.cfg"), roleFile is null ? Is.Empty : Is.EqualTo(new[] { roleFile }));
    }

    [Test]
    public async Task Its_sshd_settings_pass_sshd_own_check()
    {
        var config = await RenderAsync("app");
        var ca = Path.Combine(_dir, "trusted_user_ca_keys");
        await File.WriteAllTextAsync(ca, config.File("/etc/ssh/trusted_user_ca_keys"));
        var settings = Path.Combine(_dir, "sshd_config");
        await File.WriteAllTextAsync(settings, config.File("/etc/ssh/sshd_config.d/10-platform.conf")
            .Replace("/etc/ssh/ssh_host_ed25519_key", Path.Combine(_dir, "host_key"), StringComparison.Ordinal)
            .Replace("/etc/ssh/trusted_user_ca_keys", ca, StringComparison.Ordinal));
        // sshd -t wants its privilege separation folder, as on the droplet. It is left in place: the
        // local environments' sshd need it too (infra/local/scripts/lib.sh makes it), and fixtures of
        // other test projects may be starting theirs right now.
        Directory.CreateDirectory("/run/sshd");

        var check = await RunAsync("/usr/sbin/sshd", "-t", "-f", settings);
        var effective = await RunAsync("/usr/sbin/sshd", "-T", "-f", settings);

        Assert.That(check.ExitCode, Is.Zero, check.StandardError);
        // The circle's file alone: Debian's default reads .ssh/authorized_keys2 too, where a key gets in outside the circle.
        Assert.That(effective.StandardOutput.Split('\n'), Has.Some.EqualTo("authorizedkeysfile .ssh/authorized_keys"), effective.StandardOutput + effective.StandardError);
    }

    [Test]
    public async Task The_slot_unit_passes_systemd_analyze_verify()
    {
        var config = await RenderAsync("app");
        var unit = Path.Combine(_dir, "catalog@8081.service");
        await File.WriteAllTextAsync(unit, config.File("/etc/systemd/system/catalog@.service"));

        var check = await RunAsync("systemd-analyze", "verify", unit);

        Assert.That(check.ExitCode, Is.Zero, check.StandardOutput + check.StandardError);
        Assert.That(config.File("/etc/systemd/system/catalog@.service"), Does.Contain($"WorkingDirectory={BaseDir}"));
    }

    // systemd's own exposure score (0 safe .. 10 unsafe; 9.6 for the unit with no hardening, 5.8 as root): at most 3.5.
    [Test]
    public async Task The_slot_unit_is_hardened_by_systemds_own_measure()
    {
        var config = await RenderAsync("app");
        var unit = Path.Combine(_dir, "catalog@8082.service");
        await File.WriteAllTextAsync(unit, config.File("/etc/systemd/system/catalog@.service"));

        var check = await RunAsync("systemd-analyze", "security", "--offline=true", "--threshold=35", unit);

        Assert.That(check.ExitCode, Is.Zero, check.StandardOutput + check.StandardError);
    }

    [Test]
    public async Task The_slot_runs_as_its_own_user_and_reads_the_root_only_settings_through_its_credentials()
    {
        var config = await RenderAsync("app");
        var service = config.File("/etc/systemd/system/catalog@.service").Split('\n').Select(l => l.Trim()).ToList();

        Assert.That(service, Does.Contain("DynamicUser=yes"));
        // The settings file Deploy writes (NodeLayout.EnvFile, 0600 root), copied by systemd for the service alone.
        Assert.That(service, Does.Contain($"LoadCredential=catalog.env:{BaseDir}/catalog.env"));
        Assert.That(service.Single(l => l.StartsWith("ExecStart=", StringComparison.Ordinal)), Does.Contain("CATALOG_ENV_FILE=%d/catalog.env exec "), "the slot's env file names the original, which this user cannot read");
    }

    [Test]
    public async Task The_lb_config_passes_haproxy_check_with_both_slots_of_every_app_node()
    {
        var config = await RenderAsync("lb", ("web-1", "127.0.99.2"), ("web-2", "127.0.99.3"));
        var cfg = Path.Combine(_dir, "haproxy.cfg");
        await File.WriteAllTextAsync(cfg, config.File("/etc/haproxy/haproxy.cfg"));

        var check = await RunAsync("haproxy", "-c", "-q", "-f", cfg);

        Assert.That(check.ExitCode, Is.Zero, check.StandardError);
        Assert.That(ServerLines(await File.ReadAllTextAsync(cfg)), Is.EqualTo(new[]
        {
            "server web-1_8081 127.0.99.2:8081 check disabled", "server web-1_8082 127.0.99.2:8082 check disabled",
            "server web-2_8081 127.0.99.3:8081 check disabled", "server web-2_8082 127.0.99.3:8082 check disabled",
        }), "every slot starts disabled: Platform enables the one a roll puts traffic on");
    }

    [Test]
    public async Task The_lb_backend_rewrite_saves_server_state_reloads_and_refuses_pairs_without_an_address()
    {
        var config = await RenderAsync("lb", ("web-1", "127.0.99.2"));
        var cfg = Path.Combine(_dir, "haproxy.cfg");
        var state = Path.Combine(_dir, "server-state");
        var calls = Path.Combine(_dir, "calls.log");
        await File.WriteAllTextAsync(cfg, config.File("/etc/haproxy/haproxy.cfg"));
        // The script as written, on copies: socat (the runtime API) and systemctl are stand-ins that log their call.
        var script = Path.Combine(_dir, "platform-haproxy-backends");
        await File.WriteAllTextAsync(script, config.File("/usr/local/bin/platform-haproxy-backends")
            .Replace("/etc/haproxy/haproxy.cfg", cfg, StringComparison.Ordinal)
            .Replace("/var/lib/haproxy/server-state", state, StringComparison.Ordinal));
        var stubs = Directory.CreateDirectory(Path.Combine(_dir, "stubs")).FullName;
        await File.WriteAllTextAsync(Path.Combine(stubs, "socat"), $"#!/bin/sh\necho \"socat $* <$(cat)>\" >> {calls}\necho '1'\n");
        await File.WriteAllTextAsync(Path.Combine(stubs, "systemctl"), $"#!/bin/sh\necho \"systemctl $*\" >> {calls}\n");
        File.SetUnixFileMode(Path.Combine(stubs, "socat"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
        File.SetUnixFileMode(Path.Combine(stubs, "systemctl"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var path = new Dictionary<string, string?> { ["PATH"] = $"{stubs}:{Environment.GetEnvironmentVariable("PATH")}" };

        var rewrite = await RunWithAsync("bash", path, script, "web-1=127.0.99.2", "web-2=127.0.99.4");
        var broken = await RunWithAsync("bash", path, script, "web-1=127.0.99.2", "web-2=");
        var none = await RunWithAsync("bash", path, script);

        Assert.That(rewrite.ExitCode, Is.Zero, rewrite.StandardError);
        Assert.That(ServerLines(await File.ReadAllTextAsync(cfg)), Is.EqualTo(new[]
        {
            "server web-1_8081 127.0.99.2:8081 check disabled", "server web-1_8082 127.0.99.2:8082 check disabled",
            "server web-2_8081 127.0.99.4:8081 check disabled", "server web-2_8082 127.0.99.4:8082 check disabled",
        }));
        Assert.That(await File.ReadAllTextAsync(calls), Is.EqualTo("socat stdio tcp4:127.0.0.1:9999 <show servers state>\nsystemctl reload haproxy\n"), "the servers' state is saved before the reload, which loads it back");
        Assert.That(await File.ReadAllTextAsync(state), Is.EqualTo("1\n"));
        Assert.That(broken.ExitCode, Is.Not.Zero, "haproxy -c would take a server without an address");
        Assert.That(broken.StandardError, Does.Contain("'web-2=' is not NAME=ADDRESS"));
        Assert.That(none.StandardError, Does.Contain("no NAME=ADDRESS given"));
        Assert.That(ServerLines(await File.ReadAllTextAsync(cfg)), Has.Count.EqualTo(4), "and the running config is left as it was");
    }

    [Test]
    public async Task The_db_commands_open_postgres_to_the_vpc_and_set_the_generated_password_only_there()
    {
        var config = await RenderAsync("db");
        var conf = Directory.CreateDirectory(Path.Combine(_dir, "etc-postgresql")).FullName;
        File.Copy(PostgresSample(), Path.Combine(conf, "postgresql.conf"));
        await File.WriteAllTextAsync(Path.Combine(conf, "pg_hba.conf"), "local all postgres peer\n");
        var commands = config.RunCommands.Where(c => c.Contains("/etc/postgresql/15/main/", StringComparison.Ordinal)).ToList();

        foreach (var command in commands)
        {
            var run = await RunAsync("bash", "-c", command.Replace("/etc/postgresql/15/main/", conf + "/", StringComparison.Ordinal));
            Assert.That(run.ExitCode, Is.Zero, command + ": " + run.StandardError);
        }

        Assert.That(commands, Has.Count.EqualTo(2));
        Assert.That((await File.ReadAllLinesAsync(Path.Combine(conf, "postgresql.conf"))).Where(l => l.StartsWith("listen_addresses", StringComparison.Ordinal)), Is.EqualTo(new[] { "listen_addresses = '*'" }));
        Assert.That(await File.ReadAllTextAsync(Path.Combine(conf, "pg_hba.conf")), Does.EndWith("host all all 10.0.0.0/8 scram-sha-256\n"));
        Assert.That(config.RunCommands.Where(c => c.Contains(AdminPassword, StringComparison.Ordinal)), Is.EqualTo(new[] { $"printf '%s\\n' \"ALTER ROLE postgres PASSWORD '{AdminPassword}'\" | runuser -u postgres -- psql -q" }), "on psql's input, not its command line");
        Assert.That(config.Text.Split(AdminPassword).Length, Is.EqualTo(2), "the password is in that command and nowhere else");
    }

    private static List<string> ServerLines(string cfg) =>
        cfg.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("server ", StringComparison.Ordinal)).ToList();

    private static string PostgresSample() =>
        Directory.GetFiles("/usr/share/postgresql", "postgresql.conf.sample", SearchOption.AllDirectories).OrderDescending(StringComparer.Ordinal).FirstOrDefault()
        ?? throw new InconclusiveException("no postgresql.conf.sample under /usr/share/postgresql (PostgreSQL's server package)");

    private async Task<RenderedCloudConfig> RenderAsync(string role, params (string Name, string Address)[] backends)
    {
        var servers = string.Join(", ", backends.Select(b => $"{{ name = \"{b.Name}\", address = \"{b.Address}\" }}"));
        var template = Path.Combine(RepositoryRoot.Path, "infra", "digitalocean", "cloud-init.yaml.tftpl");
        var key = Path.Combine(_dir, "host_key");
        // The variables main.tf passes, with the generated values standing in for Terraform's.
        var expression = $"templatefile(\"{template}\", {{ role = \"{role}\", host_key_private = file(\"{key}\"), host_key_public = file(\"{key}.pub\"), " +
            $"base_dir = \"{BaseDir}\", slot_ports = [8081, 8082], backend_servers = [{servers}], admin_password = \"{(role == "db" ? AdminPassword : string.Empty)}\" }})";
        var output = (await _runner.RunAsync("terraform", ["console"], new CommandOptions { WorkingDirectory = _dir, Input = expression + "\n", Environment = TerraformRunner.QuietEnvironment() })).StandardOutput;
        var start = output.IndexOf("<<EOT\n", StringComparison.Ordinal);
        var end = output.LastIndexOf("\nEOT", StringComparison.Ordinal);
        Assert.That(start >= 0 && end > start, Is.True, "terraform console printed no heredoc: " + output);
        var text = output[(start + "<<EOT\n".Length)..(end + 1)];
        return new RenderedCloudConfig(text, new DeserializerBuilder().Build().Deserialize<Dictionary<string, object>>(text));
    }

    private Task<CommandResult> RunAsync(string program, params string[] arguments) => RunWithAsync(program, null, arguments);

    private Task<CommandResult> RunWithAsync(string program, IReadOnlyDictionary<string, string?>? environment, params string[] arguments) =>
        _runner.RunAsync(program, arguments, new CommandOptions { AllowFailure = true, Environment = environment ?? new Dictionary<string, string?>(), Timeout = TimeSpan.FromSeconds(30) });

    private sealed record RenderedCloudConfig(string Text, Dictionary<string, object> Root)
    {
        private IEnumerable<Dictionary<object, object>> Files => ((List<object>)Root["write_files"]).Cast<Dictionary<object, object>>();

        public IReadOnlyList<string> FilePaths => Files.Select(f => (string)f["path"]).ToList();

        public IReadOnlyList<string> RunCommands => ((List<object>)Root["runcmd"]).Cast<string>().ToList();

        public string File(string path) => (string)Files.Single(f => (string)f["path"] == path)["content"];
    }
}
