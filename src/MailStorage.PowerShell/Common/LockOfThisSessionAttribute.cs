using System.Collections;
using System.Linq;
using System.Management.Automation;

namespace MailStorage.PowerShell.Common;

/// <summary>
/// Refuses a MailIndexLock that arrived from another PowerShell session (through Invoke-Command, a job or
/// Import-Clixml): it is only a serialized copy, the lock itself is held by the process that took it, and only that
/// session can release it. Without this the binder would say only that a Deserialized object does not convert.
/// </summary>
public sealed class LockOfThisSessionAttribute : ArgumentTransformationAttribute
{
    private const string Deserialized = "Deserialized." + nameof(MailStorage) + "." + nameof(PowerShell) + "." + nameof(MailIndexLock);

    /// <inheritdoc />
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var items = inputData is IEnumerable list and not string ? list.Cast<object?>() : new[] { inputData };
        foreach (object? item in items)
        {
            if (item is PSObject wrapped && wrapped.TypeNames.Contains(Deserialized))
            {
                string path = wrapped.Properties["Path"]?.Value as string ?? "a mailbox";
                throw new ArgumentTransformationMetadataException(
                    "The lock on " + path + " was taken in another PowerShell session and reached this one as a serialized copy " +
                    "(Invoke-Command, a job or Import-Clixml). That session's process holds the lock and only it can release it: " +
                    "run Unlock-MailIndex there (Invoke-Command -Session $session { Unlock-MailIndex $lock }), or close that session, " +
                    "which releases it. To work under the lock remotely, take it inside the remote script block (Use-MailIndexLock).");
            }
        }

        return inputData;
    }
}
