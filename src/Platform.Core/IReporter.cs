namespace Platform.Core;

/// <summary>Where steps write progress. Cake supplies one that writes through its log.</summary>
public interface IReporter
{
    void Info(string message);

    void Warn(string message);

    void Error(string message);

    /// <summary>Detail shown only with a verbose log (Cake's --verbosity=diagnostic).</summary>
    void Verbose(string message);
}
