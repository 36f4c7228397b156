namespace Catalog.Service.Startup;

/// <summary>
/// A configuration problem that stops the service before it serves anything. The message is printed
/// as the one line an operator sees, so it names the variable or file and never contains a secret value.
/// </summary>
internal sealed class StartupException(string message) : Exception(message);
