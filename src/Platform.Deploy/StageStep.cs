using Platform.Core;

namespace Platform.Deploy;

/// <summary>
/// The Stage target: puts release <c>--version</c> on the app nodes (or <c>--node</c>) that lack
/// it, uploaded and unpacked beside what they run, without starting, stopping or rerouting
/// anything; nodes that have it are left alone. Deploy runs it before RollNode, and a release
/// manager can run it ahead of a deploy: the roll's window then holds only the switches. RollNode
/// uploads whatever is still missing itself. Options: <c>--upload-parallel=N</c>, <c>--node=NAME</c>.
/// </summary>
public sealed class StageStep(RunContext run)
{
    public Task<RollResult> RunAsync() =>
        new RollNodeStep(run).RunLockedAsync(
            version: null,
            "Stage",
            (deploy, options, release, locking) => new ReleaseStager(run, deploy).StageAsync(options, release, locking),
            _ => "Nothing that runs was changed; run Stage again once the cause is fixed.");
}
