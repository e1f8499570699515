using MailStorage.Core.Index;
using Xunit;

namespace MailStorage.Core.Tests.Index;

/// <summary>
/// Where <see cref="MailboxState"/>'s replay once differed from Dovecot's sync_append() (mail-index-sync-update.c):
/// it and <see cref="IndexMap"/> must both refuse what Dovecot refuses.
/// </summary>
public sealed class MailboxStateGapTests
{
    [Fact]
    public void Append_below_a_raised_next_uid_is_corrupted_as_dovecot_says()
    {
        // next_uid raised to 10 (as mailbox update --min-next-uid does), then an append of UID 5: Dovecot refuses it.
        var log = new LogBuilder();
        log.HeaderUpdate(28, LogBuilder.U32(10));
        long at = log.Append(5);

        IndexMap map = IndexMap.Replay(null, null, log.Parse("dovecot.index.log"));
        Assert.Contains(map.Problems, p => p.Offset == at && p.Message == "Append with UID 5, but next_uid = 10");
        Assert.Equal(0, map.MessagesCount);

        MailboxState state = MailboxState.Replay(null, null, log.Parse("dovecot.index.log"));
        Assert.Contains(state.Problems, p => p.Offset == at && p.Message == "Append with UID 5, but next_uid = 10");
        Assert.Equal(0, state.MessagesCount);
    }
}
