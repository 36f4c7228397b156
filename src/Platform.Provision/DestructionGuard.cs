using Platform.Core;

namespace Platform.Provision;

/// <summary>
/// What a plan made in this run, and so reviewed by nobody, may not destroy or replace without
/// <c>--allow-destroy</c>: anything but the resources the environment lists as <c>replaceable</c>
/// (derived configuration such as HAProxy's backend list) and the addresses the user named with
/// <c>--replace</c>. A changed <c>--var</c> can replace the database host or drop app nodes; that
/// must be a decision (Plan, read the plan, Apply it), not a side effect of a Deploy.
/// </summary>
public static class DestructionGuard
{
    public const string AllowArgument = "allow-destroy";

    /// <summary>The addresses the plan destroys or replaces that nobody consented to.</summary>
    public static IReadOnlyList<string> Unconsented(PlanSummary plan, IReadOnlyCollection<string> replaceable, IReadOnlyCollection<string> replaceArguments) =>
        [.. plan.Destroy.Concat(plan.Replace).Where(address => !replaceArguments.Contains(address) && !replaceable.Any(r => Covers(r, address)))];

    /// <exception cref="PlatformException">The unreviewed plan destroys or replaces what nobody consented to (in check mode: warned instead).</exception>
    public static void Check(RunContext run, string planFile, PlanSummary plan, IReadOnlyCollection<string> replaceable, bool reviewed)
    {
        if (reviewed || run.Arguments.GetFlag(AllowArgument))
        {
            return;
        }

        var unconsented = Unconsented(plan, replaceable, [.. run.Arguments.All("replace")]);
        if (unconsented.Count == 0)
        {
            return;
        }

        var message =
            $"The plan made in this run would destroy or replace {string.Join(", ", unconsented)}: what they hold (data, a host serving traffic) would be lost. " +
            $"Review it first: it is written out in {Path.ChangeExtension(planFile, ".txt")}; apply exactly that plan with ./build.sh --target=Apply --exclusive " +
            $"(or --plan=FILE), or pass --{AllowArgument} to apply it in this run. If a --var was not meant to change, pass it again with its current value." +
            Tainted(unconsented.Intersect(plan.Tainted).ToList());
        if (run.CheckMode)
        {
            run.Reporter.Warn($"Check mode: Apply would refuse. {message}");
            return;
        }

        throw new PlatformException(message + " Nothing was changed.");
    }

    // A tainted resource never finished being made (a run stopped or failed during Apply): replacing it is how Terraform
    // finishes the job. Whether it already held anything worth keeping is the operator's call, so it is named, not waved through.
    private static string Tainted(IReadOnlyList<string> tainted) => tainted.Count == 0
        ? string.Empty
        : $" Terraform marked {string.Join(", ", tainted)} tainted: an earlier Apply stopped or failed while making {(tainted.Count == 1 ? "it" : "them")}, and replacing {(tainted.Count == 1 ? "it" : "them")} completes that; " +
          $"if nothing was served or stored there yet, consent with {string.Join(" ", tainted.Select(a => $"--replace='{a}'"))}.";

    // "terraform_data.haproxy_backends" covers itself and its instances ("…[0]", "…[\"web-1\"]").
    private static bool Covers(string replaceable, string address) =>
        address == replaceable || (address.StartsWith(replaceable, StringComparison.Ordinal) && address[replaceable.Length] == '[');
}
