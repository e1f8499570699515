using Engine = MailStorage.Core.Verification;

namespace MailStorage.PowerShell;

// The engine's enums (MailStorage.Core.Verification) mirrored member for member, as MailIndexLockMethod mirrors the
// engine's: PowerShell lists the module's types before the module's load context can resolve MailStorage.Core. Each
// member is bound to the engine's constant (compiled in, so nothing of Core is loaded for it), values convert through
// EngineEnum.Mirror, which fails loudly on a value this mirror lacks, and a Pester test compares names and values.

/// <summary>
/// The kind of a problem <c>Test-MailIndex</c> reports (one per distinct check). Names start with the file they
/// concern (Index: dovecot.index, Log: dovecot.index.log and .log.2, Cache: dovecot.index.cache, UidList:
/// dovecot-uidlist); Message* kinds compare the index, the uidlist and the files in cur/ and new/.
/// </summary>
public enum MailIndexDamageKind
{
    /// <summary>A problem a reader reported that has no kind of its own yet.</summary>
    OtherProblem = Engine.IndexDamageKind.OtherProblem,

    // --- files in general ---

    /// <summary>An index, log, cache or uidlist is a symbolic link; it was not followed.</summary>
    SymlinkedIndexFile = Engine.IndexDamageKind.SymlinkedIndexFile,

    /// <summary>An index, log, cache or uidlist is a directory, FIFO or device, not a file.</summary>
    NotARegularFile = Engine.IndexDamageKind.NotARegularFile,

    /// <summary>A file is larger than the verifier reads (1 GiB); it was not checked.</summary>
    FileTooLarge = Engine.IndexDamageKind.FileTooLarge,

    // --- dovecot.index: what Dovecot checks when it maps the file ---

    /// <summary>Shorter than the 120-byte base header: <c>File too small</c>.</summary>
    IndexFileTooSmall = Engine.IndexDamageKind.IndexFileTooSmall,

    /// <summary>major_version is not 7: Dovecot silently drops the file.</summary>
    IndexMajorVersion = Engine.IndexDamageKind.IndexMajorVersion,

    /// <summary>The header's corrupted flag is set.</summary>
    IndexCorruptedFlag = Engine.IndexDamageKind.IndexCorruptedFlag,

    /// <summary>compat_flags is not little endian: <c>CPU architecture changed</c>.</summary>
    IndexCpuArchitectureChanged = Engine.IndexDamageKind.IndexCpuArchitectureChanged,

    /// <summary>base_header_size below 120 or header_size below it: <c>Corrupted header sizes</c>.</summary>
    IndexHeaderSizes = Engine.IndexDamageKind.IndexHeaderSizes,

    /// <summary>header_size runs past the end of the file.</summary>
    IndexHeaderLargerThanFile = Engine.IndexDamageKind.IndexHeaderLargerThanFile,

    /// <summary>record_size below 8.</summary>
    IndexRecordSizeTooSmall = Engine.IndexDamageKind.IndexRecordSizeTooSmall,

    /// <summary>record_size larger than any extension layout allows.</summary>
    IndexRecordSizeTooLarge = Engine.IndexDamageKind.IndexRecordSizeTooLarge,

    /// <summary>messages_count records do not fit in the file: <c>messages_count too large</c>.</summary>
    IndexMessagesCountTooLarge = Engine.IndexDamageKind.IndexMessagesCountTooLarge,

    /// <summary>An extension header runs past header_size.</summary>
    IndexExtensionOutsideHeader = Engine.IndexDamageKind.IndexExtensionOutsideHeader,

    /// <summary>An extension header has impossible sizes, alignment or name: <c>Broken extension</c>.</summary>
    IndexExtensionBroken = Engine.IndexDamageKind.IndexExtensionBroken,

    /// <summary>Two extensions with the same name.</summary>
    IndexExtensionDuplicate = Engine.IndexDamageKind.IndexExtensionDuplicate,

    /// <summary>The keywords extension header is inconsistent (count, name offsets, terminating NUL).</summary>
    IndexKeywordsHeaderBroken = Engine.IndexDamageKind.IndexKeywordsHeaderBroken,

    /// <summary><c>uidvalidity=0, but next_uid=N</c>.</summary>
    IndexUidValidityZero = Engine.IndexDamageKind.IndexUidValidityZero,

    /// <summary><c>next_uid=0</c>.</summary>
    IndexNextUidZero = Engine.IndexDamageKind.IndexNextUidZero,

    /// <summary><c>seen_messages_count A > messages_count B</c>.</summary>
    IndexSeenCountTooLarge = Engine.IndexDamageKind.IndexSeenCountTooLarge,

    /// <summary><c>deleted_messages_count A > messages_count B</c>.</summary>
    IndexDeletedCountTooLarge = Engine.IndexDamageKind.IndexDeletedCountTooLarge,

    /// <summary>first_recent_uid is 0 or above next_uid.</summary>
    IndexFirstRecentUidInvalid = Engine.IndexDamageKind.IndexFirstRecentUidInvalid,

    /// <summary>first_unseen_uid_lowwater is above next_uid or above the first message without \Seen.</summary>
    IndexFirstUnseenLowwaterWrong = Engine.IndexDamageKind.IndexFirstUnseenLowwaterWrong,

    /// <summary>first_deleted_uid_lowwater is above next_uid or above the first message with \Deleted.</summary>
    IndexFirstDeletedLowwaterWrong = Engine.IndexDamageKind.IndexFirstDeletedLowwaterWrong,

    /// <summary>The last record has UID 0: Dovecot cannot use the file.</summary>
    IndexLastUidZero = Engine.IndexDamageKind.IndexLastUidZero,

    /// <summary>Records with UID 0 (<c>Record UIDs have zeroes</c>).</summary>
    IndexRecordUidZero = Engine.IndexDamageKind.IndexRecordUidZero,

    /// <summary>Record UIDs do not ascend (<c>Record UIDs unordered</c>): clients see wrong UIDs.</summary>
    IndexUidsNotOrdered = Engine.IndexDamageKind.IndexUidsNotOrdered,

    /// <summary>The last record's UID is not below next_uid: <c>last message uid A >= next_uid B</c>.</summary>
    IndexNextUidTooLow = Engine.IndexDamageKind.IndexNextUidTooLow,

    /// <summary>seen_messages_count differs from the records with \Seen: the UNSEEN count clients get is wrong.</summary>
    IndexSeenCountWrong = Engine.IndexDamageKind.IndexSeenCountWrong,

    /// <summary>deleted_messages_count differs from the records with \Deleted.</summary>
    IndexDeletedCountWrong = Engine.IndexDamageKind.IndexDeletedCountWrong,

    /// <summary>The index's log_file_seq names a log that is not there (<c>Lost log for seq=N</c>).</summary>
    IndexLogSequenceMismatch = Engine.IndexDamageKind.IndexLogSequenceMismatch,

    /// <summary>The index's log_file_head_offset is past the end of its log.</summary>
    IndexLogOffsetPastEnd = Engine.IndexDamageKind.IndexLogOffsetPastEnd,

    /// <summary>dovecot.index exists but dovecot.index.log does not.</summary>
    IndexLogMissing = Engine.IndexDamageKind.IndexLogMissing,

    // --- dovecot.index.log and dovecot.index.log.2 ---

    /// <summary><c>unexpected end of file while reading header</c>.</summary>
    LogHeaderTruncated = Engine.IndexDamageKind.LogHeaderTruncated,

    /// <summary>major_version is not 1: Dovecot silently starts a new log.</summary>
    LogMajorVersion = Engine.IndexDamageKind.LogMajorVersion,

    /// <summary>hdr_size below 24: <c>Header size too small</c>.</summary>
    LogHeaderTooSmall = Engine.IndexDamageKind.LogHeaderTooSmall,

    /// <summary>compat_flags is not little endian: <c>CPU architecture changed</c>.</summary>
    LogCpuArchitectureChanged = Engine.IndexDamageKind.LogCpuArchitectureChanged,

    /// <summary>indexid 0: Dovecot marked the log corrupted and replaces it at the next open.</summary>
    LogMarkedCorrupted = Engine.IndexDamageKind.LogMarkedCorrupted,

    /// <summary>A record's size field is below 8: <c>hdr.size too small</c>.</summary>
    LogRecordSizeTooSmall = Engine.IndexDamageKind.LogRecordSizeTooSmall,

    /// <summary>The last record is cut short by the end of the file (<c>Unexpected garbage at EOF</c>).</summary>
    LogTruncatedRecord = Engine.IndexDamageKind.LogTruncatedRecord,

    /// <summary>A transaction's boundary record promises more bytes than the file holds.</summary>
    LogTransactionIncomplete = Engine.IndexDamageKind.LogTransactionIncomplete,

    /// <summary>A record fails Dovecot's validation (UID ranges, sizes, protection mask...).</summary>
    LogRecordInvalid = Engine.IndexDamageKind.LogRecordInvalid,

    /// <summary>Bytes after the last record that are no record: <c>Unexpected garbage at EOF</c>.</summary>
    LogGarbageAtEnd = Engine.IndexDamageKind.LogGarbageAtEnd,

    /// <summary>The log's indexid differs from dovecot.index's (or .log.2's from .log's): <c>indexid changed</c>.</summary>
    LogIndexIdMismatch = Engine.IndexDamageKind.LogIndexIdMismatch,

    /// <summary>.log and .log.2 have the same file_seq: <c>duplicate transaction log sequence</c>.</summary>
    LogDuplicateSequence = Engine.IndexDamageKind.LogDuplicateSequence,

    /// <summary>.log.2 is not the log .log continues (prev_file_seq differs): a stale leftover Dovecot ignores.</summary>
    LogSequenceNotContinued = Engine.IndexDamageKind.LogSequenceNotContinued,

    /// <summary>.log's prev_file_offset differs from where .log.2 ends: <c>Invalid transaction log size</c>.</summary>
    LogPreviousSizeMismatch = Engine.IndexDamageKind.LogPreviousSizeMismatch,

    /// <summary>No dovecot.index, and the oldest log does not reach back to the mailbox's creation.</summary>
    LogHistoryMissing = Engine.IndexDamageKind.LogHistoryMissing,

    /// <summary>An append record gives a UID not above the ones before it.</summary>
    LogAppendUidNotAscending = Engine.IndexDamageKind.LogAppendUidNotAscending,

    // --- dovecot.index.cache ---

    /// <summary>Shorter than the 32-byte header: <c>File too small</c>.</summary>
    CacheFileTooSmall = Engine.IndexDamageKind.CacheFileTooSmall,

    /// <summary>Unsupported version or uoff_t size, or <c>file_seq is 0</c>.</summary>
    CacheHeaderBroken = Engine.IndexDamageKind.CacheHeaderBroken,

    /// <summary>The field header chain or a field header is broken (<c>missing header fields</c>, ...).</summary>
    CacheFieldHeaderBroken = Engine.IndexDamageKind.CacheFieldHeaderBroken,

    /// <summary>A record has an invalid size, leaves the file, or holds an unknown field.</summary>
    CacheRecordBroken = Engine.IndexDamageKind.CacheRecordBroken,

    /// <summary>A message's record chain loops: <c>record list is circular</c>.</summary>
    CacheRecordListCircular = Engine.IndexDamageKind.CacheRecordListCircular,

    /// <summary>Bytes after the last record that are no record.</summary>
    CacheGarbageAtEnd = Engine.IndexDamageKind.CacheGarbageAtEnd,

    /// <summary>The cache's indexid differs from the index's: Dovecot silently deletes the cache.</summary>
    CacheIndexIdMismatch = Engine.IndexDamageKind.CacheIndexIdMismatch,

    /// <summary>The cache's file_seq differs from the index's cache reset_id: Dovecot ignores the cached data.</summary>
    CacheResetIdMismatch = Engine.IndexDamageKind.CacheResetIdMismatch,

    /// <summary>A message's cache offset in the index does not point at a record.</summary>
    CacheRecordOffsetInvalid = Engine.IndexDamageKind.CacheRecordOffsetInvalid,

    // --- dovecot-uidlist ---

    /// <summary>The index has messages but there is no dovecot-uidlist: Dovecot renumbers every message.</summary>
    UidListMissing = Engine.IndexDamageKind.UidListMissing,

    /// <summary>Version, UIDVALIDITY, NEXT_UID or GUID of the header line is broken.</summary>
    UidListHeaderBroken = Engine.IndexDamageKind.UidListHeaderBroken,

    /// <summary>A line is not <c>uid [ext...] :filename</c>: <c>Invalid data</c>, <c>Invalid extended fields</c>.</summary>
    UidListSyntax = Engine.IndexDamageKind.UidListSyntax,

    /// <summary>A file name with a '/'.</summary>
    UidListBrokenFilename = Engine.IndexDamageKind.UidListBrokenFilename,

    /// <summary>A UID given twice (<c>UIDs not ordered (5 >= 5)</c>).</summary>
    UidListDuplicateUid = Engine.IndexDamageKind.UidListDuplicateUid,

    /// <summary>A UID below the one before it: <c>UIDs not ordered (3 >= 4)</c>.</summary>
    UidListNotOrdered = Engine.IndexDamageKind.UidListNotOrdered,

    /// <summary><c>UID too high</c>.</summary>
    UidListUidTooHigh = Engine.IndexDamageKind.UidListUidTooHigh,

    /// <summary>Version 1 file with a UID at or above next_uid.</summary>
    UidListUidAboveNextUid = Engine.IndexDamageKind.UidListUidAboveNextUid,

    /// <summary>An extension field with an invalid key: <c>Invalid extension record, removing</c>.</summary>
    UidListInvalidExtension = Engine.IndexDamageKind.UidListInvalidExtension,

    /// <summary>One file on two lines with different UIDs: <c>Duplicate file entry</c>.</summary>
    UidListDuplicateFile = Engine.IndexDamageKind.UidListDuplicateFile,

    /// <summary>The last line has no newline (a cut or unfinished append).</summary>
    UidListTruncatedLine = Engine.IndexDamageKind.UidListTruncatedLine,

    /// <summary>The uidlist's next UID is below the index's next_uid: a lost index would reuse UIDs.</summary>
    UidListNextUidTooLow = Engine.IndexDamageKind.UidListNextUidTooLow,

    /// <summary>The uidlist's UIDVALIDITY differs from the index's: Dovecot resets the index.</summary>
    UidValidityMismatch = Engine.IndexDamageKind.UidValidityMismatch,

    /// <summary>dovecot-keywords has broken lines.</summary>
    KeywordsFileBroken = Engine.IndexDamageKind.KeywordsFileBroken,

    // --- index, uidlist and Maildir against each other ---

    /// <summary>A UID in the index has no line in dovecot-uidlist: Dovecot expunges it and renumbers its file.</summary>
    IndexMessageMissingFromUidList = Engine.IndexDamageKind.IndexMessageMissingFromUidList,

    /// <summary>A file in cur/ or new/ has no line in dovecot-uidlist: it gets a new UID at the next sync.</summary>
    MessageMissingFromUidList = Engine.IndexDamageKind.MessageMissingFromUidList,

    /// <summary>A uidlist line names a file that is in neither cur/ nor new/.</summary>
    MessageFileMissing = Engine.IndexDamageKind.MessageFileMissing,

    /// <summary>A uidlist line below the index's next_uid whose UID the index lacks: <c>Expunged message reappeared</c>.</summary>
    UidListUidNotInIndex = Engine.IndexDamageKind.UidListUidNotInIndex,
}

/// <summary>How much a problem matters to the mailbox's users.</summary>
public enum MailIndexDamageSeverity
{
    /// <summary>Worth knowing, nothing is wrong (mail delivered to new/ that Dovecot has not seen yet, a stale .log.2).</summary>
    Info = Engine.DamageSeverity.Info,

    /// <summary>Dovecot copes, but something is off: wrong counters, a cache it will drop, a line it will ignore.</summary>
    Warning = Engine.DamageSeverity.Warning,

    /// <summary>Dovecot calls the file corrupted, or the damage changes UIDs, flags or what clients are told.</summary>
    Error = Engine.DamageSeverity.Error,
}

/// <summary>What a repair would do about a problem (every change is preceded by a quarantine copy).</summary>
public enum MailIndexRepairAction
{
    /// <summary>Nothing needs doing.</summary>
    None = Engine.RecommendedRepair.None,

    /// <summary>Rewrite header fields of dovecot.index the way Dovecot's fsck does (<c>next_uid 0 -> 51</c>).</summary>
    FixIndexHeader = Engine.RecommendedRepair.FixIndexHeader,

    /// <summary>Cut a transaction log after its last whole record.</summary>
    TruncateLog = Engine.RecommendedRepair.TruncateLog,

    /// <summary>Move dovecot.index away; Dovecot rebuilds it from the log and the Maildir.</summary>
    QuarantineIndex = Engine.RecommendedRepair.QuarantineIndex,

    /// <summary>Move dovecot.index.cache away; Dovecot starts a new cache (it is only a cache).</summary>
    QuarantineCache = Engine.RecommendedRepair.QuarantineCache,

    /// <summary>Move a transaction log away; Dovecot starts a new one.</summary>
    QuarantineLog = Engine.RecommendedRepair.QuarantineLog,

    /// <summary>Rewrite dovecot-uidlist from its readable lines, keeping every UID.</summary>
    RebuildUidList = Engine.RecommendedRepair.RebuildUidList,

    /// <summary>Not repairable automatically: an administrator has to look (the description says what to look at).</summary>
    Report = Engine.RecommendedRepair.Report,
}
