@{
    # Built by ./build.sh into artifacts/module; its dependencies load into MailStorage's own AssemblyLoadContext.
    RootModule           = 'artifacts/module/MailStorage.PowerShell.dll'
    # Written by build.sh from <Version> in Directory.Build.props; do not edit here.
    ModuleVersion        = '0.1.0'
    GUID                 = '3f0b6c52-5d0e-4f7e-9d1a-6b2f8a4c9e17'
    Author               = 'MailStorage'
    CompanyName          = 'MailStorage'
    Copyright            = '(c) MailStorage contributors'
    Description          = 'Dovecot on shared and clustered storage: read and lint configuration, probe filesystems, maintain index files safely.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('artifacts/module/MailStorage.Format.ps1xml')
    CmdletsToExport      = @(
        'Clear-MailIndexCache'
        'ConvertTo-DovecotConfig'
        'Export-MailStorageProfile'
        'Get-MailIndex'
        'Get-MailIndexCache'
        'Get-MailIndexLock'
        'Get-MailIndexRecord'
        'Get-MailStorageConfig'
        'Get-MailStorageFileSystem'
        'Get-MailStorageMailbox'
        'Lock-MailIndex'
        'Remove-MailIndexLock'
        'Repair-MailIndex'
        'Test-MailIndex'
        'Test-MailStorageCapability'
        'Test-MailStorageConfig'
        'Unlock-MailIndex'
        'Use-MailIndexLock'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Dovecot', 'NFS', 'GlusterFS', 'Mail', 'IMAP', 'Maildir', 'Linux', 'PSEdition_Core')
            ProjectUri   = 'https://github.com/MailStorage/MailStorage'
            LicenseUri   = 'https://github.com/MailStorage/MailStorage/blob/main/LICENSE'
            ReleaseNotes = 'Dovecot 2.3 configuration read as doveconf reads it and linted against a storage profile (36 rules, also as a Roslyn analyzer); filesystem detection and probes; Dovecot-compatible index locks; index reading through a shared-storage-safe cache; verification and repair of Maildir index files that keeps every original. See README.md.'
        }
    }
}
