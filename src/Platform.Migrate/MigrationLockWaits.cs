namespace Platform.Migrate;

/// <summary>
/// How long a migration may wait for a table lock, and how often it is tried again. A schema change (ALTER TABLE)
/// needs its table to itself: queued behind a long transaction (a backup, a report), it would hold up every query of
/// the service on that table for as long. With a short wait it gives up instead (rolled back whole), the service
/// goes on, and it is tried again a little later.
/// </summary>
/// <param name="LockTimeout">PostgreSQL's <c>lock_timeout</c> for the migrations' session.</param>
/// <param name="RetryDelays">The pauses before each further try; their count is how many more tries a migration gets.</param>
public sealed record MigrationLockWaits(TimeSpan LockTimeout, IReadOnlyList<TimeSpan> RetryDelays)
{
    /// <summary>5 s per try, tried again after 2, 5, 10 and 20 s: about a minute and a half at most.</summary>
    public static MigrationLockWaits Default { get; } = new(
        TimeSpan.FromSeconds(5),
        [TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20)]);

    /// <summary>Every try, the first included.</summary>
    public int Tries => RetryDelays.Count + 1;
}
