using Platform.Core;

namespace Platform.Deploy;

/// <summary>Rollback cannot tell which release to go back to: <see cref="Offered"/> are the releases the message names for --version=.</summary>
public sealed class RollbackRefusedException(string message, IReadOnlyList<string> offered) : PlatformException(message)
{
    public IReadOnlyList<string> Offered { get; } = offered;
}
