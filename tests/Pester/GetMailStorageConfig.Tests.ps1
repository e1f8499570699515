BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $Manifest -Force
}

Describe 'Get-MailStorageConfig -NonDefault | ConvertTo-DovecotConfig equals doveconf -n' {
    It 'for <Name>' -ForEach @(
        @{ Name = 'examples/dovecot.conf'; Path = (Join-Path $PSScriptRoot '../../examples/dovecot.conf') }
        @{ Name = '/etc/dovecot/dovecot.conf'; Path = '/etc/dovecot/dovecot.conf' }
    ) {
        $expected = Get-DoveconfText -Path $Path
        $expected | Should -Not -BeNullOrEmpty
        $actual = Get-MailStorageConfig -Path $Path -NonDefault | ConvertTo-DovecotConfig
        $actual | Should -BeExactly $expected
    }

    It 'with -ShowSecrets, as doveconf -n -P (/etc/dovecot/dovecot.conf hides ssl_key)' {
        $expected = Get-DoveconfText -Path '/etc/dovecot/dovecot.conf' -ExtraArguments '-P'
        $actual = Get-MailStorageConfig -Path '/etc/dovecot/dovecot.conf' -NonDefault | ConvertTo-DovecotConfig -ShowSecrets
        $actual | Should -BeExactly $expected
        (Get-DoveconfText -Path '/etc/dovecot/dovecot.conf') | Should -Match 'ssl_key = # hidden, use -P to show it'
    }

    It 'writes one object per doveconf -n setting line' {
        $lines = (Get-DoveconfText -Path $Example) -split "`n" | Where-Object { $_ -match ' = ' }
        @(Get-MailStorageConfig -Path $Example -NonDefault).Count | Should -Be $lines.Count
    }

    It 'renders a subset in the same layout: doveconf -n minus the lines left out' {
        $expected = ((Get-DoveconfText -Path $Example) -split "`n" | Where-Object { $_ -notmatch '^(listen|mail_fsync) = ' }) -join "`n"
        $actual = Get-MailStorageConfig -Path $Example -NonDefault | Where-Object Name -notin 'listen', 'mail_fsync' | ConvertTo-DovecotConfig
        $actual | Should -BeExactly $expected
    }

    It 'renders nothing for no settings' {
        @() | ConvertTo-DovecotConfig | Should -BeExactly ''
    }
}

Describe 'Get-MailStorageConfig on the example' {
    BeforeAll {
        $script:All = @(Get-MailStorageConfig -Path $Example)
    }

    It 'lists every global setting, defaults without a file or line' {
        $fsync = $All | Where-Object { $_.Name -eq 'mail_fsync' -and -not $_.Filter }
        $fsync.Value | Should -Be 'always'
        $fsync.IsDefault | Should -BeFalse
        $fsync.File | Should -BeLike '*conf.d/10-mail.conf'
        $fsync.Line | Should -Be 13
        $default = $All | Where-Object { $_.Name -eq 'mail_max_lock_timeout' -and -not $_.Filter }
        $default.IsDefault | Should -BeTrue
        $default.Value | Should -Be '0'
        $default.File | Should -BeNullOrEmpty
        $default.Line | Should -BeNullOrEmpty
    }

    It 'lists settings inside sections with their section path' {
        $sent = $All | Where-Object { $_.Section -eq 'namespace inbox/mailbox Sent' -and $_.Name -eq 'special_use' }
        $sent.Value | Should -Be '\Sent'
        $sent.Line | Should -Be 10
        ($All | Where-Object { $_.Section -eq 'plugin' -and $_.Name -eq 'quota_rule' }).Value | Should -Be '*:storage=10G'
    }

    It 'lists settings inside filter blocks with their filter' {
        $lmtp = $All | Where-Object { $_.Filter -eq 'protocol=lmtp' -and $_.Name -eq 'mail_max_lock_timeout' }
        $lmtp.Value | Should -Be '30 secs'
    }

    It '-Name filters on setting names with wildcards' {
        $names = Get-MailStorageConfig -Path $Example -Name 'mail_nfs_*', 'MMAP_DISABLE' | ForEach-Object Name
        $names | Sort-Object | Should -Be @('mail_nfs_index', 'mail_nfs_storage', 'mmap_disable')
    }

    It '-Filter protocol=lmtp gives the lmtp value, as doveconf -f protocol=lmtp' {
        $setting = Get-MailStorageConfig -Path $Example -Filter protocol=lmtp -Name mail_max_lock_timeout
        $setting.Value | Should -Be (& doveconf -c $Example -f protocol=lmtp -h mail_max_lock_timeout)
        $setting.Value | Should -Be '30 secs'
        $setting.Filter | Should -Be 'protocol=lmtp'
        $setting.File | Should -BeLike '*conf.d/20-lmtp.conf'
        $global = Get-MailStorageConfig -Path $Example -Filter protocol=imap -Name mail_max_lock_timeout
        $global.Value | Should -Be (& doveconf -c $Example -f protocol=imap -h mail_max_lock_timeout)
        $global.IsDefault | Should -BeTrue
    }

    It '-Filter accepts several parts and -NonDefault leaves out defaults' {
        $effective = @(Get-MailStorageConfig -Path $Example -Filter 'protocol=lmtp', 'local=10.20.0.11' -NonDefault)
        $effective | Where-Object IsDefault | Should -BeNullOrEmpty
        ($effective | Where-Object Name -eq 'postmaster_address').Value | Should -Be 'postmaster@example.com'
        ($effective | Where-Object Name -eq 'mmap_disable').Value | Should -Be 'yes'
    }

    It 'hides secrets unless -ShowSecrets' {
        (Get-MailStorageConfig -Path '/etc/dovecot/dovecot.conf' -Name ssl_key).Value | Should -Be '# hidden, use -P to show it'
        (Get-MailStorageConfig -Path '/etc/dovecot/dovecot.conf' -Name ssl_key -ShowSecrets).Value | Should -BeLike '<*'
    }

    It 'takes paths from the pipeline by property name' {
        $settings = Get-Item $Example | Get-MailStorageConfig -NonDefault -Name protocols
        $settings.Value | Should -Be 'imap lmtp'
    }
}

Describe 'Get-MailStorageConfig errors' {
    It 'a malformed configuration is a terminating error worded as doveconf, with file and line' {
        $path = Join-Path $Fixtures 'unknown-setting/dovecot.conf'
        $doveconf = (& doveconf -c $path -n 2>&1 | Out-String)
        $doveconf | Should -Match 'line 3: Unknown setting: mail_lokation'
        $err = $null
        try { Get-MailStorageConfig -Path $path; throw 'no error' } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'GetMailStorageConfigParseFailed,*'
        $err.CategoryInfo.Category | Should -Be 'ParserError'
        $err.Exception.Message | Should -BeExactly "Error in configuration file $path line 3: Unknown setting: mail_lokation"
        $err.Exception.Message | Should -Not -Match '\bat \w+\.'
    }

    It 'a configuration failing a start-up check returns its settings and a non-terminating error' {
        $path = Join-Path $Fixtures 'nfs-index-without-mmap-disable/dovecot.conf'
        $settings = @(Get-MailStorageConfig -Path $path -NonDefault -ErrorVariable failures -ErrorAction SilentlyContinue)
        ($settings | ConvertTo-DovecotConfig) | Should -BeExactly (Get-DoveconfText -Path $path)
        $settings.Count | Should -Be 5
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'GetMailStorageConfigCheckFailed,*'
        $failures[0].Exception.Message | Should -Match 'mail_nfs_index=yes requires mmap_disable=yes'
        (& doveconf -c $path -n 2>&1 | Out-String) | Should -Match 'mail_nfs_index=yes requires mmap_disable=yes'
    }

    It 'a missing file is an ItemNotFound terminating error' {
        $err = $null
        try { Get-MailStorageConfig -Path (Join-Path $Fixtures 'no-such/dovecot.conf'); throw 'no error' } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'GetMailStorageConfigFileNotFound,*'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.Exception | Should -BeOfType [System.Management.Automation.ItemNotFoundException]
    }

    It 'an unknown filter is an InvalidArgument terminating error' {
        $err = $null
        try { Get-MailStorageConfig -Path $Example -Filter protokoll=imap; throw 'no error' } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'GetMailStorageConfigInvalidFilter,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}
