# Tab completion, through TabExpansion2 as the shell asks for it.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $Manifest -Force
    $script:Root = Join-Path ([System.IO.Path]::GetTempPath()) ("mailstorage-completion-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory $Root | Out-Null
    Set-Content (Join-Path $Root 'users') @(
        '# the site''s users'
        'alice@example.com:{PLAIN}x:1000:1000::/srv/mail/alice::'
        'bob@example.com:{PLAIN}x:1000:1000::/srv/mail/bob::'
        'carol:{PLAIN}x:1000:1000::/srv/mail/carol::'
    )
    Set-Content (Join-Path $Root 'dovecot.conf') @(
        'mail_location = maildir:~/Maildir'
        'passdb {'
        '  driver = passwd-file'
        '  args = scheme=PLAIN username_format=%u users'
        '}'
        'userdb {'
        '  driver = passwd-file'
        '  args = username_format=%u users'
        '}'
        'protocol lmtp {'
        '  mail_plugins = quota'
        '}'
        'protocol managesieve-custom {'
        '  mail_max_lock_timeout = 10s'
        '}'
        'plugin {'
        '  quota_rule = *:storage=1G'
        '}'
    )
    $script:Config = Join-Path $Root 'dovecot.conf'

    function Get-Completion([string] $Line) {
        (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText
    }
}

AfterAll {
    Remove-Item -Recurse -Force $Root -ErrorAction SilentlyContinue
}

Describe 'Tab completion' {
    It 'Get-MailStorageConfig -Name completes setting names from the schema' {
        $found = Get-Completion "Get-MailStorageConfig -Path $Config -Name mmap_"
        $found | Should -Be @('mmap_disable')
    }

    It 'Get-MailStorageConfig -Name also offers the keys the file sets (plugin keys)' {
        Get-Completion "Get-MailStorageConfig -Path $Config -Name quota_r" | Should -Contain 'quota_rule'
        Get-Completion "Get-MailStorageConfig -Name quota_r" | Should -Not -Contain 'quota_rule'
    }

    It 'Get-MailStorageConfig -Filter completes doveconf -f''s keys, then protocols, with those of the file' {
        Get-Completion "Get-MailStorageConfig -Path $Config -Filter lo" | Should -Be @('local=', 'local_name=')
        $protocols = Get-Completion "Get-MailStorageConfig -Path $Config -Filter protocol="
        $protocols | Should -Contain 'protocol=imap'
        $protocols | Should -Contain 'protocol=lmtp'
        $protocols | Should -Contain 'protocol=managesieve-custom'
    }

    It 'Lock-MailIndex -Filter completes from -ConfigPath' {
        Get-Completion "Lock-MailIndex -Path /tmp -ConfigPath $Config -Filter protocol=managesieve" | Should -Be @('protocol=managesieve-custom')
    }

    It 'Get-MailStorageMailbox -User completes the passwd-file users of -ConfigPath' {
        Get-Completion "Get-MailStorageMailbox -ConfigPath $Config -User " | Should -Be @('alice@example.com', 'bob@example.com', 'carol')
        Get-Completion "Get-MailStorageMailbox -ConfigPath $Config -User b" | Should -Be @('bob@example.com')
    }

    It 'Get-MailStorageMailbox -User offers no user without a passwd-file, and a bad -ConfigPath does not fail the tab' {
        # With nothing to offer, PowerShell falls back to completing file names; no user name may come.
        Get-Completion "Get-MailStorageMailbox -ConfigPath $Example -User a" | Should -Not -Contain 'alice@example.com'
        { Get-Completion "Get-MailStorageMailbox -ConfigPath /nonexistent/dovecot.conf -User a" } | Should -Not -Throw
        { Get-Completion "Get-MailStorageMailbox -ConfigPath $Root -User a" } | Should -Not -Throw
        # A device is not read at all (regular files only), so the tab answers at once.
        { Get-Completion "Get-MailStorageMailbox -ConfigPath /dev/zero -User a" } | Should -Not -Throw
    }

    It 'Test-MailIndex -Format completes the mailbox formats' {
        Get-Completion "Test-MailIndex -Path /tmp -Format sd" | Should -Be @('sdbox')
    }
}
