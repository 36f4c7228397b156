using Platform.Core;
using Platform.Release;

namespace Platform.Deploy;

/// <summary>
/// Uploads of one release in the order asked, a few at a time; the tarball is checked against its
/// checksum once, before the first upload (the nodes do not hash it again).
/// </summary>
internal sealed class UploadQueue(RunContext run, PhaseTimeline timeline, PackagedRelease release, int parallel, CancellationToken token) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(parallel);
    // The bytes checked are the bytes sent: a release rebuilt meanwhile cannot slip in between.
    private readonly Lazy<Task<byte[]>> _verified = new(() => ReleaseStore.ReadVerifiedAsync(release, token));

    /// <summary>Puts the release (and, unless null, the settings file) on the node, in turn; measured as its "upload" phase.</summary>
    public async Task UploadAsync(NodeState s, string? settings, Recap recap, string task)
    {
        await _slots.WaitAsync(token);
        try
        {
            await timeline.MeasureAsync(s.Node.Name, "upload", async () =>
            {
                var node = s.Node;
                var uploaded = s.Probe.ReleaseSha256 != release.Sha256;
                if (uploaded)
                {
                    await ReleaseUploader.UploadAsync(node, release, await _verified.Value, token);
                }

                var envChanged = settings is not null && await ReleaseUploader.EnsureEnvFileAsync(node, settings, s.Probe, token);
                var outcome = uploaded || envChanged ? Outcome.Changed : Outcome.Ok;
                recap.Report(run.Reporter, node.Name, task, outcome, $"release {release.Version}{(uploaded ? " uploaded" : " already there")}{(envChanged ? ", settings updated" : string.Empty)}");
            });
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();
}
