namespace MailStorage.ConfigAnalyzer.Rules;

/// <summary>
/// The one registry of rule ids. Each id has exactly one rule class (named after it), its tests and
/// <c>docs/rules/&lt;ID&gt;.md</c>; a test checks that all four exist. Ids follow the catalog in
/// shared/reference/shared-storage-rules.md; gaps are rules that need a live host (Core probes) instead.
/// </summary>
public static class RuleIdentifiers
{
    /// <summary>Where the rule pages live.</summary>
    public const string HelpBase = "https://github.com/MailStorage/MailStorage/blob/main/docs/rules/";

    /// <summary>Dovecot itself refuses the configuration.</summary>
    public const string DovecotRefusesConfig = "MSD000";

    /// <summary>mail_nfs_index=yes without mmap_disable=yes.</summary>
    public const string NfsIndexRequiresMmapDisable = "MSD001";

    /// <summary>mail_nfs_index=yes without mail_fsync=always.</summary>
    public const string NfsIndexRequiresFsyncAlways = "MSD002";

    /// <summary>Obsolete setting names that doveconf translates.</summary>
    public const string LegacySettingName = "MSD005";

    /// <summary>A mail path that no mount of the profile contains.</summary>
    public const string PathNotInProfile = "MSD006";

    /// <summary>The configuration differs from what the probed storage needs (the profile's requires:).</summary>
    public const string StorageRequirementNotMet = "MSD007";

    /// <summary>mmap of indexes on shared storage.</summary>
    public const string MmapOnSharedStorage = "MSD010";

    /// <summary>mail_fsync is not always on NFS.</summary>
    public const string FsyncOnNfs = "MSD011";

    /// <summary>mail_fsync=never for deliveries.</summary>
    public const string FsyncNeverForDelivery = "MSD012";

    /// <summary>mail_nfs_* with pinned users.</summary>
    public const string NfsFlushesWithStickyUsers = "MSD013";

    /// <summary>Users not pinned to one backend.</summary>
    public const string RandomTopology = "MSD014";

    /// <summary>mail_cache_max_size not below the process size limit.</summary>
    public const string CacheSizeOverVszLimit = "MSD015";

    /// <summary>flock on NFS.</summary>
    public const string FlockOnNfs = "MSD020";

    /// <summary>fcntl where locks are host-local.</summary>
    public const string FcntlHostLocal = "MSD021";

    /// <summary>nolock/local_lock on a mount that holds mail.</summary>
    public const string LocalLocksOnMailMount = "MSD022";

    /// <summary>O_EXCL dotlocks on NFSv2.</summary>
    public const string ExclusiveDotlockOnNfs2 = "MSD023";

    /// <summary>mbox lock methods that differ or include flock on NFS.</summary>
    public const string MboxLockMethods = "MSD024";

    /// <summary>No VOLATILEDIR on NFS with pinned users.</summary>
    public const string NoVolatileDir = "MSD025";

    /// <summary>Host-local VOLATILEDIR or LISTINDEX with users not pinned.</summary>
    public const string LocalVolatileWithRandomTopology = "MSD026";

    /// <summary>No lock timeout for deliveries on shared storage.</summary>
    public const string NoDeliveryLockTimeout = "MSD027";

    /// <summary>dbox indexes on local, volatile or memory storage.</summary>
    public const string DboxIndexNotDurable = "MSD030";

    /// <summary>Maildir/mbox indexes on local disk while users move between hosts.</summary>
    public const string LocalIndexWithMovingUsers = "MSD031";

    /// <summary>INDEX=MEMORY outside deliveries.</summary>
    public const string IndexInMemory = "MSD032";

    /// <summary>Control files on a filesystem with quota.</summary>
    public const string ControlOnQuotaFilesystem = "MSD033";

    /// <summary>director on Dovecot 2.4.</summary>
    public const string DirectorOn24 = "MSD040";

    /// <summary>director_user_expire shorter than the NFS attribute cache.</summary>
    public const string DirectorExpireBelowAttributeCache = "MSD042";

    /// <summary>quota-status service with several backends on NFS.</summary>
    public const string QuotaStatusOnNfsCluster = "MSD043";

    /// <summary>Replication together with director.</summary>
    public const string ReplicationWithDirector = "MSD046";

    /// <summary>maildir_very_dirty_syncs with several hosts.</summary>
    public const string VeryDirtySyncsMultiHost = "MSD047";

    /// <summary>Mail or indexes on CIFS/SMB.</summary>
    public const string CifsStorage = "MSD050";

    /// <summary>GlusterFS or FUSE with several clients and users not pinned.</summary>
    public const string FuseMultiClient = "MSD051";

    /// <summary>Cluster filesystem (GFS2, OCFS2) notes.</summary>
    public const string ClusterFilesystem = "MSD052";

    /// <summary>NFS without nordirplus for Maildir.</summary>
    public const string NfsWithoutNordirplus = "MSD053";

    /// <summary>NFS without noatime.</summary>
    public const string NfsWithoutNoatime = "MSD054";

    /// <summary>NFS attribute cache off (actimeo=0, noac) with pinned users.</summary>
    public const string NfsAttributeCacheOff = "MSD055";

    /// <summary>NFS soft mount for mail.</summary>
    public const string NfsSoftMount = "MSD056";

    /// <summary>The documentation page of a rule.</summary>
    public static string HelpUri(string id) => HelpBase + id + ".md";
}
