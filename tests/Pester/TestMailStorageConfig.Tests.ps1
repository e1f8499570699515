BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $Manifest -Force
    $script:ExampleProfile = Join-Path $RepoRoot 'examples/mailstorage.yaml'

    # Mail on NFSv4, users pinned to one of four backends; the same profile as the xunit rule tests use.
    $script:NfsSticky = "dovecot: `"2.3`"`ntopology: sticky`nhosts: 4`nmounts:`n  - path: /srv/mail`n    type: nfs4`n    options: [hard, vers=4.2, actimeo=60, noatime, nordirplus]`n"
    $script:LocalExt4 = "dovecot: `"2.3`"`ntopology: single`nmounts:`n  - path: /`n    type: ext4`n"

    # A dovecot.conf that includes conf.d/10-mail.conf, both written exactly as given, and a profile beside them.
    # Returns the paths.
    function New-LintCase {
        param([string] $Mail, [string] $Profile = $NfsSticky, [string] $Main = "protocols = imap`n!include conf.d/*.conf`n")
        $dir = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory -Path (Join-Path $dir 'conf.d') | Out-Null
        [IO.File]::WriteAllText((Join-Path $dir 'dovecot.conf'), $Main)
        [IO.File]::WriteAllText((Join-Path $dir 'conf.d/10-mail.conf'), $Mail)
        [IO.File]::WriteAllText((Join-Path $dir 'mailstorage.yaml'), $Profile)
        [pscustomobject]@{
            Directory = $dir
            Config    = Join-Path $dir 'dovecot.conf'
            Mail      = Join-Path $dir 'conf.d/10-mail.conf'
            Profile   = Join-Path $dir 'mailstorage.yaml'
        }
    }

    # mmap left on for indexes on NFS (MSD010, an Error) at conf.d/10-mail.conf line 3.
    $script:MmapOnNfs = "# indexes on NFS`nmail_location = maildir:/srv/mail/%d/%n`nmmap_disable = no`n"

    function Get-RuleCatalogIds {
        $assembly = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'MailStorage.ConfigAnalyzer' } | Select-Object -First 1
        $all = $assembly.GetType('MailStorage.ConfigAnalyzer.Rules.RuleCatalog').GetProperty('All').GetValue($null)
        @($all | ForEach-Object Id)
    }
}

Describe 'Test-MailStorageConfig findings' {
    It 'reports mmap on NFS at the file and line of mmap_disable, as a typed object' {
        $case = New-LintCase -Mail $MmapOnNfs
        $findings = @(Test-MailStorageConfig -Path $case.Config -ProfilePath $case.Profile)
        $hit = @($findings | Where-Object RuleId -eq 'MSD010')
        $hit.Count | Should -Be 1 -Because ($findings -join "`n")
        $hit[0] | Should -BeOfType ([MailStorage.PowerShell.StorageDiagnostic])
        $hit[0].Severity | Should -Be ([MailStorage.PowerShell.StorageDiagnosticSeverity]::Error)
        $hit[0].File | Should -Be $case.Mail
        $hit[0].Line | Should -Be 3
        $hit[0].Column | Should -Be 1
        $hit[0].Filter | Should -BeNullOrEmpty
        $hit[0].Message | Should -Match 'Set mmap_disable = yes'
        $hit[0].Title | Should -Not -BeNullOrEmpty
        $hit[0].HelpUri | Should -BeLike '*/docs/rules/MSD010.md'
        $hit[0].IsSuppressed | Should -BeFalse
        $hit[0].SuppressionReason | Should -BeNullOrEmpty
    }

    It 'finds nothing wrong with mmap_disable = yes on the same storage' {
        $case = New-LintCase -Mail "mail_location = maildir:/srv/mail/%d/%n`nmmap_disable = yes`n"
        @(Test-MailStorageConfig -Path $case.Config -ProfilePath $case.Profile | Where-Object RuleId -eq 'MSD010').Count | Should -Be 0
    }

    It 'skips the rules that need a storage profile when none is given' {
        $case = New-LintCase -Mail $MmapOnNfs
        @(Test-MailStorageConfig -Path $case.Config | Where-Object RuleId -eq 'MSD010').Count | Should -Be 0
    }

    It 'formats findings as a table of severity, rule, file:line and message' {
        $case = New-LintCase -Mail $MmapOnNfs
        $text = Test-MailStorageConfig -Path $case.Config -ProfilePath $case.Profile | Where-Object RuleId -eq 'MSD010' | Format-Table | Out-String -Width 400
        $text | Should -Match 'Severity\s+RuleId\s+Location\s+Message'
        $text | Should -Match ('Error\s+MSD010\s+' + [regex]::Escape("$($case.Mail):3") + '\s+Index files')
        $list = Test-MailStorageConfig -Path $case.Config -ProfilePath $case.Profile | Where-Object RuleId -eq 'MSD010' | Format-List | Out-String -Width 400
        $list | Should -Match ('Location\s*:\s*' + [regex]::Escape("$($case.Mail):3:1"))
        $list | Should -Match 'HelpUri\s*:\s*\S+MSD010\.md'
    }

    It 'takes FullName from the pipeline, and lints a file piped many times once' {
        $case = New-LintCase -Mail $MmapOnNfs
        $direct = @(Test-MailStorageConfig -Path $case.Config -ProfilePath $case.Profile)
        @(Get-Item $case.Config | Test-MailStorageConfig -ProfilePath $case.Profile).Count | Should -Be $direct.Count
        @(Get-MailStorageConfig -Path $case.Config -NonDefault | Test-MailStorageConfig -ProfilePath $case.Profile).Count | Should -Be $direct.Count
    }

    It 'reports a configuration Dovecot refuses as an MSD000 error finding, not a cmdlet error' {
        $path = Join-Path $Fixtures 'unknown-setting/dovecot.conf'
        $findings = @(Test-MailStorageConfig -Path $path -ErrorAction Stop)
        $findings.Count | Should -Be 1
        $findings[0].RuleId | Should -Be 'MSD000'
        $findings[0].Severity | Should -Be 'Error'
        $findings[0].Line | Should -Be 3
        $findings[0].Message | Should -Match 'Unknown setting: mail_lokation'
        Test-MailStorageConfig -Path $path -Quiet | Should -BeFalse
    }
}

Describe 'Test-MailStorageConfig -Severity' {
    It 'reports only findings at or above the given severity' {
        $case = New-LintCase -Mail $MmapOnNfs -Profile ($NfsSticky -replace 'nordirplus', 'rw')
        $all = @(Test-MailStorageConfig -Path $case.Config -ProfilePath $case.Profile)
        $all.Count | Should -BeGreaterThan 1
        @($all | Where-Object Severity -lt 'Error').Count | Should -BeGreaterThan 0 -Because 'the filter must have something to drop'
        foreach ($level in 'Info', 'Warning', 'Error') {
            $filtered = @(Test-MailStorageConfig -Path $case.Config -ProfilePath $case.Profile -Severity $level)
            ($filtered | ForEach-Object { "$($_.RuleId)@$($_.Line)" }) | Should -Be ($all | Where-Object Severity -ge $level | ForEach-Object { "$($_.RuleId)@$($_.Line)" })
        }
    }

    It 'filters on the severity after the profile''s override' {
        $case = New-LintCase -Mail $MmapOnNfs -Profile ($NfsSticky + "rules:`n  MSD010: warning`n")
        $warning = @(Test-MailStorageConfig -Path $case.Config -ProfilePath $case.Profile -Severity Warning | Where-Object RuleId -eq 'MSD010')
        $warning.Count | Should -Be 1
        $warning[0].Severity | Should -Be 'Warning'
        @(Test-MailStorageConfig -Path $case.Config -ProfilePath $case.Profile -Severity Error | Where-Object RuleId -eq 'MSD010').Count | Should -Be 0
    }

    It 'accepts only Info, Warning and Error' {
        { Test-MailStorageConfig -Path $Example -Severity Fatal } | Should -Throw -ErrorId 'CannotConvertArgumentNoMessage,MailStorage.PowerShell.Commands.TestMailStorageConfigCommand'
    }
}

Describe 'Test-MailStorageConfig -Quiet' {
    It 'returns $false, and nothing else, for a configuration with an error' {
        $case = New-LintCase -Mail $MmapOnNfs
        $answer = @(Test-MailStorageConfig -Path $case.Config -ProfilePath $case.Profile -Quiet)
        $answer.Count | Should -Be 1
        $answer[0] | Should -BeOfType ([bool])
        $answer[0] | Should -BeFalse
    }

    It 'returns $true for a configuration without errors' {
        $case = New-LintCase -Mail "mail_location = maildir:~/Maildir`n" -Profile $LocalExt4
        Test-MailStorageConfig -Path $case.Config -ProfilePath $case.Profile -Quiet | Should -BeTrue
    }

    It 'returns $true when the only error is a warning by the profile''s override' {
        $case = New-LintCase -Mail "mail_location = maildir:/srv/mail/%d/%n`nmmap_disable = no`n" -Profile ($LocalExt4 + "  - path: /srv/mail`n    type: nfs4`n    options: [hard, vers=4.2, noatime, nordirplus]`nrules:`n  MSD010: warning`n")
        @(Test-MailStorageConfig -Path $case.Config -ProfilePath $case.Profile | Where-Object Severity -eq 'Error') | Should -BeNullOrEmpty
        Test-MailStorageConfig -Path $case.Config -ProfilePath $case.Profile -Quiet | Should -BeTrue
    }
}

Describe 'Test-MailStorageConfig -IncludeSuppressed' {
    BeforeAll {
        $script:Suppressed = New-LintCase -Mail "mail_location = maildir:/srv/mail/%d/%n`n# mailstorage-disable-next-line MSD010: benchmarked, the NFS server has one writer`nmmap_disable = no`n"
    }

    It 'leaves a suppressed finding out by default' {
        @(Test-MailStorageConfig -Path $Suppressed.Config -ProfilePath $Suppressed.Profile | Where-Object RuleId -eq 'MSD010').Count | Should -Be 0
    }

    It 'shows it with the reason on request' {
        $hit = @(Test-MailStorageConfig -Path $Suppressed.Config -ProfilePath $Suppressed.Profile -IncludeSuppressed | Where-Object RuleId -eq 'MSD010')
        $hit.Count | Should -Be 1
        $hit[0].IsSuppressed | Should -BeTrue
        $hit[0].SuppressionReason | Should -Be 'benchmarked, the NFS server has one writer'
        $hit[0].Line | Should -Be 3
        ($hit | Format-Table | Out-String -Width 400) | Should -Match '\(suppressed: benchmarked, the NFS server has one writer\)'
    }
}

Describe 'Test-MailStorageConfig -SarifPath' {
    It 'writes a SARIF 2.1.0 log that lists every rule and each finding with its place' {
        $case = New-LintCase -Mail $MmapOnNfs
        $sarif = Join-Path $case.Directory 'out/lint.sarif'
        New-Item -ItemType Directory -Path (Split-Path $sarif) | Out-Null
        $findings = @(Test-MailStorageConfig -Path $case.Config -ProfilePath $case.Profile -SarifPath $sarif)
        Test-Path $sarif | Should -BeTrue
        $log = Get-Content $sarif -Raw | ConvertFrom-Json -AsHashtable
        $log['$schema'] | Should -Be 'https://json.schemastore.org/sarif-2.1.0.json'
        $log.version | Should -Be '2.1.0'
        $run = $log.runs[0]
        $run.tool.driver.name | Should -Be 'MailStorage'
        $run.tool.driver.version | Should -BeLike "$((Get-Module MailStorage).Version)*"
        @($run.tool.driver.rules | ForEach-Object { $_.id }) | Should -Be (Get-RuleCatalogIds)
        @($run.results).Count | Should -Be $findings.Count
        $mmap = @($run.results | Where-Object { $_.ruleId -eq 'MSD010' })
        $mmap.Count | Should -Be 1
        $run.tool.driver.rules[$mmap[0].ruleIndex].id | Should -Be 'MSD010'
        $mmap[0].level | Should -Be 'error'
        $place = $mmap[0].locations[0].physicalLocation
        $place.artifactLocation.uri | Should -Be 'conf.d/10-mail.conf'
        $place.artifactLocation.uriBaseId | Should -Be 'CONFIGDIR'
        $place.region.startLine | Should -Be 3
        $run.originalUriBaseIds.CONFIGDIR.uri | Should -Be ("file://$($case.Directory)/")
        @(Get-ChildItem (Split-Path $sarif) -Force).Name | Should -Be 'lint.sarif' -Because 'the temporary file is renamed, not left behind'
    }

    It 'replaces an existing log and marks suppressed findings in source' {
        $case = New-LintCase -Mail "mail_location = maildir:/srv/mail/%d/%n`n# mailstorage-disable-next-line MSD010: one writer`nmmap_disable = no`n"
        $sarif = Join-Path $case.Directory 'lint.sarif'
        Set-Content -Path $sarif -Value 'old'
        $null = Test-MailStorageConfig -Path $case.Config -ProfilePath $case.Profile -IncludeSuppressed -SarifPath $sarif
        $log = Get-Content $sarif -Raw | ConvertFrom-Json
        $mmap = @($log.runs[0].results | Where-Object ruleId -eq 'MSD010')
        $mmap[0].suppressions[0].kind | Should -Be 'inSource'
        $mmap[0].suppressions[0].justification | Should -Be 'one writer'
    }

    It 'writes nothing with -WhatIf, and still writes the findings' {
        $case = New-LintCase -Mail $MmapOnNfs
        $sarif = Join-Path $case.Directory 'lint.sarif'
        $findings = @(Test-MailStorageConfig -Path $case.Config -ProfilePath $case.Profile -SarifPath $sarif -WhatIf)
        Test-Path $sarif | Should -BeFalse
        @($findings | Where-Object RuleId -eq 'MSD010').Count | Should -Be 1
        @(Get-ChildItem $case.Directory -Filter '*.tmp' -Force).Count | Should -Be 0
    }

    It 'fails with a WriteError when the folder does not exist' {
        $case = New-LintCase -Mail $MmapOnNfs
        $err = $null
        try { $null = Test-MailStorageConfig -Path $case.Config -ProfilePath $case.Profile -SarifPath (Join-Path $case.Directory 'no-such/lint.sarif'); throw 'no error' } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'TestMailStorageConfigSarifWriteFailed,*'
        $err.CategoryInfo.Category | Should -Be 'WriteError'
    }
}

Describe 'Test-MailStorageConfig errors' {
    It 'a missing configuration is an ObjectNotFound terminating error' {
        $err = $null
        try { Test-MailStorageConfig -Path (Join-Path $Fixtures 'no-such/dovecot.conf'); throw 'no error' } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'TestMailStorageConfigFileNotFound,*'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.Exception | Should -BeOfType [System.Management.Automation.ItemNotFoundException]
    }

    It 'a missing profile is an ObjectNotFound terminating error' {
        $err = $null
        try { Test-MailStorageConfig -Path $Example -ProfilePath (Join-Path $TestDrive 'no-such.yaml'); throw 'no error' } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'TestMailStorageConfigProfileNotFound,*'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'a bad profile is a terminating error naming its file, line, column and the reason' -ForEach @(
        @{ Name = 'an unknown topology'; Text = "dovecot: `"2.3`"`ntopology: pinned`n"; At = ':2:11: '; Reason = "topology must be single, sticky or random, not 'pinned'" }
        @{ Name = 'broken YAML'; Text = "dovecot: `"2.3`"`nmounts:`n  - path: /srv/mail`n   type: [nfs4`n"; At = ':\d+:\d+: '; Reason = 'not valid YAML' }
        @{ Name = 'an unknown filesystem'; Text = "mounts:`n  - path: /srv/mail`n    type: nfs5`n"; At = ':3:11: '; Reason = "unknown filesystem type 'nfs5'" }
    ) {
        $case = New-LintCase -Mail $MmapOnNfs -Profile $Text
        $err = $null
        try { Test-MailStorageConfig -Path $case.Config -ProfilePath $case.Profile; throw 'no error' } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'TestMailStorageConfigProfileInvalid,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidData'
        $err.Exception.Message | Should -Match ([regex]::Escape($case.Profile) + $At)
        $err.Exception.Message | Should -Match ([regex]::Escape($Reason))
    }
}

Describe 'Test-MailStorageConfig on real configurations' {
    It 'lints the bundled example against its profile: a few findings, no error' {
        $findings = @(Test-MailStorageConfig -Path $Example -ProfilePath $ExampleProfile -ErrorAction Stop)
        $findings.Count | Should -BeGreaterThan 0
        @($findings | Where-Object Severity -eq 'Error') | Should -BeNullOrEmpty -Because ($findings -join "`n")
        foreach ($f in $findings) {
            $f.File | Should -BeLike (Join-Path $RepoRoot 'examples/*')
            $f.Line | Should -BeGreaterThan 0
        }
        Test-MailStorageConfig -Path $Example -ProfilePath $ExampleProfile -Quiet | Should -BeTrue
    }

    It 'finds no error in Debian''s /etc/dovecot/dovecot.conf on a local ext4 disk' {
        $profile = Join-Path $TestDrive 'local-ext4.yaml'
        [IO.File]::WriteAllText($profile, $LocalExt4)
        $findings = @(Test-MailStorageConfig -Path /etc/dovecot/dovecot.conf -ProfilePath $profile -ErrorAction Stop)
        @($findings | Where-Object Severity -eq 'Error') | Should -BeNullOrEmpty -Because ($findings -join "`n")
        Test-MailStorageConfig -Path /etc/dovecot/dovecot.conf -ProfilePath $profile -Quiet | Should -BeTrue
    }
}
