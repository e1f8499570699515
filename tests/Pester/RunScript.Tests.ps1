BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'run.sh' {
    It 'summarises the example and prints doveconf -n' {
        $output = & (Join-Path $RepoRoot 'run.sh') 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        $text = $output -join "`n"
        $expectedCount = ((Get-DoveconfText -Path $Example) -split "`n" | Where-Object { $_ -match ' = ' }).Count
        $text | Should -Match 'Files read:\s+7'
        $text | Should -Match "Non-default settings:\s+$expectedCount\b"
        $text | Should -Match 'Filters:\s+protocol=lmtp \(3 settings\)'
        $text | Should -Match 'Warnings:\s+0'
        $text | Should -Match 'Failed checks:\s+0'
        $text | Should -Match 'mmap_disable\s+= yes'
        # The storage of a temporary folder, probed, and the bundled sample mailbox read as Dovecot reads it.
        $text | Should -Match 'Test-MailStorageCapability .*\n\s+17 probes'
        $text | Should -Match '(?m)^\s+2\s+2 \{\\Flagged, \\Seen\}\s+\{Important\}'
        $text | Should -Match '(?m)^INBOX\s+\d+\s+6\s+4\s+3\s+0'
        $doveconf = (Get-DoveconfText -Path $Example).TrimEnd("`n")
        $text | Should -Match ('(?s)--- Get-MailStorageConfig -NonDefault \| ConvertTo-DovecotConfig[^\n]*\n' + [regex]::Escape($doveconf) + '$')
    }

    It 'reports a configuration it cannot read with doveconf''s words and fails' {
        $output = & (Join-Path $RepoRoot 'run.sh') (Join-Path $Fixtures 'unknown-setting/dovecot.conf') 2>&1
        $LASTEXITCODE | Should -Not -Be 0
        ($output -join "`n") | Should -Match 'line 3: Unknown setting: mail_lokation'
    }
}
