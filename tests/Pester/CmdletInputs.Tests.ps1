# Defects a tester found in what the cmdlets accept and show: each It fails on the code before its fix.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $Manifest -Force

    # A private Dovecot's mail root: INBOX with 2 messages, Sent with 1; tests damage copies of it.
    $script:Root, $script:Maildir, $script:Conf = New-DovecotTestRoot 'inputs'
    foreach ($i in 1..2) { "Subject: message $i`n`nbody $i`n" | Invoke-Doveadm save | Out-Null }
    Invoke-Doveadm mailbox create Sent | Out-Null
    "Subject: sent`n`nbody`n" | Invoke-Doveadm save -m Sent | Out-Null
    Invoke-Doveadm mailbox status messages '*' | Out-Null

    function New-MailRootCopy {
        $copy = Join-Path $Root ('copy-' + [guid]::NewGuid().ToString('N').Substring(0, 6))
        & cp -a $Maildir $copy
        $copy
    }

    # A copy whose dovecot-uidlist is gone: Test-MailIndex then reports every message (UidListMissing and the like).
    function New-DamagedCopy {
        $copy = New-MailRootCopy
        Remove-Item -Force (Join-Path $copy 'dovecot-uidlist')
        $copy
    }
}

AfterAll {
    if ($Root -and (Test-Path $Root)) { Remove-Item -Recurse -Force $Root }
}

Describe 'Input validation' {
    It 'refuses an unknown -Format with TestMailIndexUnknownFormat naming it and the formats, and goes on' {
        $damaged = New-DamagedCopy
        $out = @([pscustomobject]@{ Path = $damaged; Format = 'bogus' }, [pscustomobject]@{ Path = $damaged; Format = 'MAILDIR' } |
                Test-MailIndex -ErrorVariable errors -ErrorAction SilentlyContinue)
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'TestMailIndexUnknownFormat,*'
        $errors[0].Exception.Message | Should -BeLike "*'bogus'*maildir, sdbox, mdbox, dbox, mbox*"
        # MAILDIR is maildir: the uidlist checks run (before, any other spelling skipped them silently).
        $out.Count | Should -BeGreaterThan 0
        $out[0].Format | Should -Be 'maildir'
        { Repair-MailIndex -Path $damaged -Format mbx -WhatIf -ErrorAction Stop } | Should -Throw -ErrorId 'RepairMailIndexUnknownFormat,*'
    }

    It 'warns that sdbox, mdbox and mbox are verified by their index files only' {
        $null = Test-MailIndex -Path $Maildir -Format mdbox -WarningVariable warned -WarningAction SilentlyContinue
        $warned | Should -HaveCount 1
        "$warned" | Should -BeLike '*format mdbox: only dovecot.index*not read*'
    }

    It 'completes -Format with Dovecot''s format names' {
        $line = 'Test-MailIndex -Format md'
        $names = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $names | Should -Be @('mdbox')
    }

    It 'reports a NUL in a path as <_>InvalidPath and processes the next path' -ForEach @('TestMailIndex', 'GetMailIndex', 'GetMailStorageMailbox', 'GetMailStorageFileSystem', 'GetMailIndexLock') {
        $cmdlet = $_ -replace '^(Test|Get)', '$1-'
        $out = @("a`0b", $Maildir | & $cmdlet -ErrorVariable errors -ErrorAction SilentlyContinue)
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike "$($_)InvalidPath,*"
        $errors[0].Exception.Message | Should -Be "The path 'a``0b' is not valid: it holds a NUL character, which no file name can have."
        if ($_ -eq 'TestMailIndex') {
            @("a`0b", $Maildir | Test-MailIndex -Quiet -ErrorAction SilentlyContinue) | Should -Be @($true)
        } elseif ($_ -ne 'GetMailIndexLock') {
            $out.Count | Should -BeGreaterThan 0
        }
    }

    It 'reports a NUL in a piped ControlPath as GetMailIndexRecordInvalidPath and reads the next mailbox' {
        $out = @([pscustomobject]@{ Path = $Maildir; ControlPath = "c`0d" }, [pscustomobject]@{ Path = $Maildir } |
                Get-MailIndexRecord -ErrorVariable errors -ErrorAction SilentlyContinue)
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'GetMailIndexRecordInvalidPath,*'
        $out.Count | Should -Be 2
    }

    It 'says a -ProfilePath folder is a folder, with TestMailStorageConfigProfilePathIsDirectory' {
        { Test-MailStorageConfig -Path $Conf -ProfilePath $Root -ErrorAction Stop } |
            Should -Throw -ErrorId 'TestMailStorageConfigProfilePathIsDirectory,*' -ExpectedMessage "*'$Root' is a folder, not a file*"
    }

    It 'refuses a storage profile with a second YAML document, at its file and line' {
        $yamlPath = Join-Path $Root 'two-documents.yaml'
        "dovecot: `"2.3`"`ntopology: single`n---`nhosts: 4`n" | Set-Content -Path $yamlPath -NoNewline
        { Test-MailStorageConfig -Path $Conf -ProfilePath $yamlPath -ErrorAction Stop } |
            Should -Throw -ExpectedMessage "*$($yamlPath):4:*second YAML document*"
    }

    It 'says dovecot.index is a folder, naming it, in Get-MailIndex, Get-MailIndexRecord and Test-MailIndex' {
        $copy = New-MailRootCopy
        $index = Join-Path $copy 'dovecot.index'
        if (Test-Path $index) { Remove-Item -Force $index }
        New-Item -ItemType Directory -Path $index | Out-Null
        foreach ($cmdlet in 'Get-MailIndex', 'Get-MailIndexRecord') {
            $null = & $cmdlet -Path $copy -CacheMode Mmap -ErrorVariable errors -ErrorAction SilentlyContinue
            $errors | Should -HaveCount 1
            $errors[0].Exception.Message | Should -Be "'$index' is a folder, not a file: Dovecot's index files are regular files; look at what it is and move it away by hand."
        }

        $damage = @(Test-MailIndex -Path $copy | Where-Object Code -eq 'NotARegularFile')
        $damage[0].File | Should -Be $index
        $damage[0].Message | Should -Be 'dovecot.index is a folder, not a file'
    }

    It 'expands %2.1n and %Ln, lists LAYOUT=fs mailboxes, and refuses -User <_> with GetMailStorageMailboxInvalidUser' -ForEach @('../../../../etc', 'a/b') {
        $fsRoot = Join-Path $Root ('fs-' + [guid]::NewGuid().ToString('N').Substring(0, 6))
        New-Item -ItemType Directory -Path $fsRoot | Out-Null
        & chown 65534:65534 $fsRoot
        $fsConf = Join-Path $fsRoot 'dovecot.conf'
        (Get-Content $Conf) -replace '^mail_location = .*', "mail_location = maildir:$fsRoot/%2.1n/%Ln:LAYOUT=fs" | Set-Content $fsConf
        $env:USER, $oldUser = 'Bob', $env:USER
        try {
            & /usr/bin/doveadm -c $fsConf mailbox create Sent Archive/2024 2>&1 | Out-Null
            $LASTEXITCODE | Should -Be 0
        } finally { $env:USER = $oldUser }

        $boxes = @(Get-MailStorageMailbox -ConfigPath $fsConf -User Bob)
        $boxes.Name | Should -Be @('INBOX', 'Archive/2024', 'Sent')
        $boxes[0].MailDirectory | Should -Be "$fsRoot/b/bob"
        $boxes[1].MailDirectory | Should -Be "$fsRoot/b/bob/Archive/2024"

        $out = @($_, 'Bob' | Get-MailStorageMailbox -ConfigPath $fsConf -ErrorVariable errors -ErrorAction SilentlyContinue)
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'GetMailStorageMailboxInvalidUser,*'
        $errors[0].Exception.Message | Should -BeLike "*'$_'*"
        $out.Count | Should -Be 3
    }
}

Describe 'Output' {
    It 'keeps Message readable in a 120-column table: the Mailbox column shows the name, the object keeps the path' {
        $damaged = New-DamagedCopy
        $damage = @(Test-MailIndex -Path $damaged)
        $damage[0].Mailbox | Should -Be $damaged
        $damage[0].Message | Should -Be 'dovecot-uidlist is missing but the index has 2 messages'
        $text = $damage[0] | Format-Table | Out-String -Width 120
        # With the whole path in the Mailbox column only 'dovecot-uidlist is m…' was left of the message.
        $text | Should -Match 'copy-\w+\s+Error\s+UidListMissing\s+dovecot-uidlist\s+Report\s+dovecot-uidlist is missing but the index has'
        $text | Should -Not -Match ([regex]::Escape($damaged))
    }

    It 'fills Messages for INBOX, whose count Dovecot does not cache in the list index' {
        $inbox = Get-MailStorageMailbox -Path $Maildir | Where-Object Name -eq 'INBOX'
        $inbox.CachedMessages | Should -BeNullOrEmpty
        $inbox.Messages | Should -Be 2
        (Get-MailStorageMailbox -Path $Maildir | Format-Table | Out-String -Width 200) | Should -Match 'INBOX\s+maildir\s+2\s'
    }

    It 'labels problems of a piped folder with its path, and of a piped mailbox with its name' {
        $damaged = New-DamagedCopy
        @(Get-Item $damaged | Test-MailIndex).Mailbox | Select-Object -Unique | Should -Be $damaged
        @(Get-MailStorageMailbox -Path $damaged | Test-MailIndex).Mailbox | Select-Object -Unique | Should -Be 'INBOX'
    }

    It 'says with -Verbose which files <_> reads and what it skips' -ForEach @('Test-MailIndex', 'Repair-MailIndex', 'Get-MailStorageMailbox') {
        $copy = New-MailRootCopy
        New-Item -ItemType Directory -Path (Join-Path $copy '.NoSelect') | Out-Null
        $extra = if ($_ -eq 'Repair-MailIndex') { @{ WhatIf = $true; Recurse = $true } } elseif ($_ -eq 'Test-MailIndex') { @{ Recurse = $true } } else { @{} }
        $verbose = @(& $_ -Path $copy @extra -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        if ($_ -eq 'Get-MailStorageMailbox') {
            $verbose | Should -Contain "Reading $copy/dovecot.list.index.log ($((Get-Item "$copy/dovecot.list.index.log").Length) bytes)"
        } else {
            $verbose | Should -Contain "INBOX: Read $copy/dovecot-uidlist ($((Get-Item "$copy/dovecot-uidlist").Length) bytes)" -Because ($verbose -join "`n")
            $verbose | Should -Contain "INBOX: Skipped $copy/dovecot-keywords: not there"
        }

        $verbose | Should -Contain "Skipped $copy/.NoSelect: no cur/ (\NoSelect to Dovecot)"
    }

    It 'says with -Verbose which configuration files Get-MailStorageConfig reads and which mounts Get-MailStorageFileSystem looks at' {
        $verbose = @(Get-MailStorageConfig -Path $Conf -Name mail_location -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $verbose | Should -Contain "Read $Conf ($((Get-Item $Conf).Length) bytes)"
        @($verbose -match '^Skipped \d+ of \d+ settings: their names match no -Name pattern\.$') | Should -HaveCount 1
        $verbose = @(Get-MailStorageFileSystem -Path $Root -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $verbose[0] | Should -Match '^Read /proc/self/mountinfo \(\d+ mounts\)$'
        $verbose[1] | Should -BeLike "statfs($Root): magic 0x*"
    }

    It 'streams Use-MailIndexLock''s output: the first object reaches the next command while the lock is still held' {
        $seen = [System.Collections.Generic.List[string]]::new()
        Use-MailIndexLock -Path $Maildir -ScriptBlock { 'first'; Start-Sleep -Milliseconds 1500; 'second' } | ForEach-Object {
            $seen.Add("$_ held=$(@(Get-MailIndexLock -Path $Maildir).Count)")
        }
        $seen | Should -Be @('first held=1', 'second held=1')
        @(Get-MailIndexLock -Path $Maildir).Count | Should -Be 0
    }
}
