using Platform.Core;

namespace Platform.Core.Tests;

public sealed class RedactedErrorsTests
{
    // Cake prints a task's failure itself (with its inner exceptions at --verbosity=diagnostic), past the run's reporter.
    [Test]
    public async Task A_failure_holding_a_secret_anywhere_is_thrown_again_as_its_redacted_message_alone()
    {
        var redactor = new SecretRedactor();
        redactor.Register("Vault-Secret-Value-123");
        var failure = new InvalidOperationException("the plan was made with db_password=Vault-Secret-Value-123", new IOException("inner Vault-Secret-Value-123"));

        var thrown = await Assert.ThrowsAsync<PlatformException>(() => RedactedErrors.RunAsync(() => Task.FromException(failure), redactor));

        Assert.That(thrown!.ToString(), Does.Not.Contain("Vault-Secret-Value-123"));
        Assert.That(thrown.Message, Is.EqualTo("the plan was made with db_password=***"));
    }

    [Test]
    public async Task A_secret_only_in_an_inner_exception_is_not_kept_either()
    {
        var redactor = new SecretRedactor();
        redactor.Register("Vault-Secret-Value-123");
        var failure = new PlatformException("the smoke tests failed", new IOException("stderr: Vault-Secret-Value-123"));

        var thrown = await Assert.ThrowsAsync<PlatformException>(() => RedactedErrors.RunAsync(() => Task.FromException(failure), redactor));

        Assert.That((thrown!.Message, thrown.InnerException), Is.EqualTo(("the smoke tests failed", (Exception?)null)));
    }

    [Test]
    public void A_failure_without_a_secret_goes_on_as_it_is()
    {
        var failure = new PlatformException("Nothing to roll.", new IOException("inner"));

        Assert.That(() => RedactedErrors.RunAsync(() => Task.FromException(failure), new SecretRedactor()), Throws.Exception.SameAs(failure));
    }
}
