BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $Manifest -Force

    # A private Dovecot (no services) builds a mail root with INBOX and Sent; tests damage copies of it and check the
    # repaired copies with doveadm against what Dovecot showed of the undamaged mail root.
    $script:Root, $script:Maildir, $script:Conf = New-DovecotTestRoot 'repaircmd'

    # doveadm on any copy of the mail root: stdout, and its Error/Warning/Panic/Fatal lines.
    function Invoke-Doveadm ([string] $MailRoot, [string[]] $Arguments, [string] $InputText = '') {
        $old = $env:USER, $env:HOME
        $env:USER = 'nobody'; $env:HOME = $Root
        $errFile = Join-Path $Root 'doveadm.err'
        try {
            $out = $InputText | & /usr/bin/doveadm -c $Conf -o "mail_location=maildir:$MailRoot" @Arguments 2>$errFile
            $problems = @(Get-Content $errFile | Where-Object { $_ -match 'Error:|Warning:|Panic:|Fatal:' })
            if ($LASTEXITCODE -ne 0) { $problems += "exit code $LASTEXITCODE" }
            [pscustomobject]@{ Output = ($out -join "`n"); Problems = $problems }
        } finally {
            $env:USER, $env:HOME = $old
        }
    }

    # What Dovecot shows of a mailbox: UIDVALIDITY, UIDNEXT and 'uid flags' without \Recent; and what it complained of.
    function Get-DovecotState ([string] $MailRoot, [string] $Mailbox = 'INBOX') {
        $fetch = Invoke-Doveadm $MailRoot @('fetch', 'uid flags', 'mailbox', $Mailbox, 'all')
        $status = Invoke-Doveadm $MailRoot @('mailbox', 'status', 'uidvalidity uidnext messages', $Mailbox)
        $messages = foreach ($line in $fetch.Output -split "`n") {
            if ($line -match '^uid: (\d+)') { $uid = $Matches[1] }
            elseif ($line -match '^flags:(.*)$') {
                "$uid " + ((($Matches[1] -split ' ') | Where-Object { $_ -and $_ -ne '\Recent' } | Sort-Object -CaseSensitive) -join ' ')
            }
        }
        [pscustomobject]@{
            State    = ($status.Output.Trim() + "`n" + ($messages -join "`n"))
            Problems = @($fetch.Problems) + @($status.Problems)
        }
    }

    foreach ($i in 1..8) { Invoke-Doveadm $Maildir @('save') "Subject: message $i`n`nbody $i`n" | Out-Null }
    Invoke-Doveadm $Maildir @('mailbox', 'create', 'Sent') | Out-Null
    foreach ($i in 1..3) { Invoke-Doveadm $Maildir @('save', '-m', 'Sent') "Subject: sent $i`n`nbody $i`n" | Out-Null }
    $rewrite = '-o', 'mail_index_rewrite_min_log_bytes=1', '-o', 'mail_index_rewrite_max_log_bytes=1'
    Invoke-Doveadm $Maildir ($rewrite + @('flags', 'add', '\Seen', 'mailbox', 'INBOX', 'uid', '1:4')) | Out-Null
    Invoke-Doveadm $Maildir ($rewrite + @('flags', 'add', '\Flagged', 'mailbox', 'INBOX', 'uid', '2,6')) | Out-Null
    Invoke-Doveadm $Maildir ($rewrite + @('flags', 'add', '\Seen', 'mailbox', 'Sent', 'uid', '1:3')) | Out-Null
    Invoke-Doveadm $Maildir ($rewrite + @('fetch', 'uid flags hdr.subject size.virtual', 'mailbox', 'INBOX', 'all')) | Out-Null
    $script:Baseline = Get-DovecotState $Maildir
    $script:SentBaseline = Get-DovecotState $Maildir 'Sent'
    $Baseline.Problems | Should -HaveCount 0

    function New-MailRootCopy {
        $copy = Join-Path $Root ('copy-' + [guid]::NewGuid().ToString('N').Substring(0, 6))
        & cp -a $Maildir $copy
        $copy
    }

    function Set-UInt32 ([string] $Path, [long] $Offset, [uint32] $Value) {
        $stream = [IO.File]::Open($Path, 'Open', 'Write')
        try {
            $stream.Position = $Offset
            $stream.Write([BitConverter]::GetBytes($Value), 0, 4)
        } finally {
            $stream.Dispose()
        }
    }

    # SHA-256, link target or 'dir' of every entry of a tree, by relative path (the -WhatIf check).
    function Get-TreeHashes ([string] $Path) {
        $map = [ordered]@{}
        foreach ($item in Get-ChildItem -LiteralPath $Path -Recurse -Force | Sort-Object FullName) {
            $key = [IO.Path]::GetRelativePath($Path, $item.FullName)
            $map[$key] = if ($item.LinkTarget) { "link $($item.LinkTarget)" }
            elseif ($item.PSIsContainer) { 'dir' }
            else { (Get-FileHash -Algorithm SHA256 -LiteralPath $item.FullName).Hash + " $($item.LastWriteTimeUtc.Ticks)" }
        }
        ($map.GetEnumerator() | ForEach-Object { "$($_.Key) $($_.Value)" }) -join "`n"
    }

    # A folder's entries and its own mtime and ctime: a file created (and removed) in it moves both.
    function Get-FolderState ([string] $Path) {
        ((Get-ChildItem -LiteralPath $Path -Force -Name | Sort-Object -CaseSensitive) -join ',') + ' ' + (& stat -c '%y %z' $Path)
    }

    # Content hash, inode, link count and times of a file.
    function Get-FileState ([string] $Path) {
        (Get-FileHash -Algorithm SHA256 -LiteralPath $Path).Hash + ' ' + (& stat -c 'inode %i links %h %s %y %z' $Path)
    }
}

AfterAll {
    if ($Root -and (Test-Path $Root)) { Remove-Item -Recurse -Force $Root }
}

Describe 'Repair-MailIndex' {
    It 'repairs a damaged Maildir: Dovecot then opens it cleanly with the same UIDs and flags, and the quarantine holds the original' {
        $copy = New-MailRootCopy
        $index = Join-Path $copy 'dovecot.index'
        Set-UInt32 $index 28 0
        $uidlist = Join-Path $copy 'dovecot-uidlist'
        $lines = [IO.File]::ReadAllLines($uidlist)
        $lines[2], $lines[5] = $lines[5], $lines[2]
        [IO.File]::WriteAllText($uidlist, ($lines -join "`n") + "`n")
        $damagedIndex = [IO.File]::ReadAllBytes($index)
        $damagedUidList = [IO.File]::ReadAllBytes($uidlist)
        $quarantine = Join-Path $Root ('quarantine-' + [guid]::NewGuid().ToString('N').Substring(0, 6))

        (Test-MailIndex -Path $copy).Code | Should -Contain 'IndexNextUidZero'
        $out = @(Repair-MailIndex -Path $copy -QuarantinePath $quarantine -Confirm:$false)

        $out | Should -HaveCount 2
        $out | ForEach-Object { $_ | Should -BeOfType ([MailStorage.PowerShell.MailIndexRepair]) }
        $out.Action | Should -Be @('RebuildUidList', 'FixIndexHeader')
        $out[1].File | Should -Be $index
        $out[1].Changes | Should -Contain "next_uid 0 -> $(($Baseline.State -split "`n")[0] -replace '.*uidnext=(\d+).*', '$1')"
        $out[1].QuarantinedTo | Should -BeLike "$quarantine/*"
        [IO.File]::ReadAllBytes($out[1].QuarantinedTo) | Should -Be $damagedIndex
        [IO.File]::ReadAllBytes($out[0].QuarantinedTo) | Should -Be $damagedUidList
        (Get-Item $out[1].QuarantinedTo).UnixFileMode | Should -Be (Get-Item (Join-Path $Maildir 'dovecot.index')).UnixFileMode
        & stat -c '%u:%g' $out[1].QuarantinedTo | Should -Be '65534:65534'
        (Get-Content (Join-Path (Split-Path $out[1].QuarantinedTo) 'manifest.jsonl')) | Should -HaveCount 2

        @(Test-MailIndex -Path $copy) | Should -HaveCount 0
        $after = Get-DovecotState $copy
        $after.Problems | Should -HaveCount 0
        $after.State | Should -Be $Baseline.State
    }

    It 'changes no byte with -WhatIf (SHA-256 of every file of the tree) and counts what it would repair, not as repaired' {
        $copy = New-MailRootCopy
        Set-UInt32 (Join-Path $copy 'dovecot.index') 28 0
        [IO.File]::AppendAllText((Join-Path $copy '.Sent/dovecot.index.log'), 'garbage!!')
        [IO.File]::WriteAllBytes((Join-Path $copy 'dovecot.index.cache'), [byte[]](9, 1, 2, 3))
        $before = Get-TreeHashes $copy

        $out = @(Repair-MailIndex -Path $copy -Recurse -WhatIf)
        Get-TreeHashes $copy | Should -Be $before
        $summary = @($out | Where-Object { $_ -is [MailStorage.PowerShell.MailIndexRepairSummary] })
        $summary | Should -HaveCount 1
        $summary[0].WhatIf | Should -BeTrue
        $summary[0].Mailboxes | Should -Be 2
        $summary[0].Repaired | Should -Be 0
        $summary[0].Actions | Should -Be 0
        $summary[0].WouldRepair | Should -Be 2
        # INBOX: the header fix and the cache; Sent: the log cut and the header fix that follows it.
        $summary[0].PlannedActions | Should -Be 4
        "$($summary[0])" | Should -BeLike '2 mailboxes: 0 sound, 2 would be repaired (4 planned actions)*'
        $text = $summary[0] | Format-List | Out-String -Width 200
        $text | Should -Match 'WouldRepair\s+:\s+2'
        $text | Should -Match 'PlannedActions\s+:\s+4'
        $text | Should -Not -Match 'Repaired\s+:'
        @($out | Where-Object { $_ -is [MailStorage.PowerShell.MailIndexRepair] }) | Should -HaveCount 0
        @(Get-ChildItem -LiteralPath $copy -Recurse -Force -Filter '*mailstorage*') | Should -HaveCount 0
    }

    It 'reports a symlink planted in place of an index file and leaves it and its target alone' {
        $copy = New-MailRootCopy
        $outside = Join-Path $Root ('outside-' + [guid]::NewGuid().ToString('N').Substring(0, 6))
        [IO.File]::WriteAllText($outside, "not a cache: a file outside the mailbox`n")
        $outsideHash = (Get-FileHash $outside).Hash
        $outsideTime = (Get-Item $outside).LastWriteTimeUtc
        $cache = Join-Path $copy 'dovecot.index.cache'
        Remove-Item -Force $cache
        New-Item -ItemType SymbolicLink -Path $cache -Target $outside | Out-Null
        Set-UInt32 (Join-Path $copy 'dovecot.index') 28 0

        $out = @(Repair-MailIndex -Path $copy -QuarantinePath (Join-Path $Root 'quarantine') -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue)
        $report = @($out | Where-Object Action -eq 'Report')
        $report | Should -HaveCount 1
        $report[0].Code | Should -Be 'SymlinkedIndexFile'
        $report[0].File | Should -Be $cache
        $report[0].After | Should -Be 'unchanged'
        # Reported once: the Report object, not a warning saying the same again.
        $warnings | Should -HaveCount 0
        # The rest of the mailbox is still repaired.
        ($out | Where-Object Action -ne 'Report').Action | Should -Be @('FixIndexHeader')

        (Get-Item $cache).LinkTarget | Should -Be $outside
        (Get-FileHash $outside).Hash | Should -Be $outsideHash
        (Get-Item $outside).LastWriteTimeUtc | Should -Be $outsideTime
    }

    It 'repairs every mailbox of a mail root with -Recurse, with the configured lock and a typed summary' {
        $copy = New-MailRootCopy
        $log = Join-Path $copy '.Sent/dovecot.index.log'
        $length = (Get-Item $log).Length
        [IO.File]::AppendAllText($log, 'garbage!!')

        $quarantine = Join-Path $Root ('quarantine-' + [guid]::NewGuid().ToString('N').Substring(0, 6))

        $out = @(Repair-MailIndex -Path $copy -Recurse -ConfigPath $Conf -LockTimeout 10 -QuarantinePath $quarantine -Confirm:$false)
        $actions = @($out | Where-Object { $_ -is [MailStorage.PowerShell.MailIndexRepair] })
        $actions.Action | Should -Be @('TruncateLog')
        $actions[0].Mailbox | Should -Be 'Sent'
        $actions[0].After | Should -Be "$length bytes"
        $summary = $out[-1]
        $summary | Should -BeOfType ([MailStorage.PowerShell.MailIndexRepairSummary])
        $summary.Mailboxes | Should -Be 2
        $summary.Sound | Should -Be 1
        $summary.Repaired | Should -Be 1
        $summary.Actions | Should -Be 1
        $summary.Failed | Should -Be 0
        $summary.QuarantinePaths | Should -HaveCount 1
        $summary.QuarantinePaths[0] | Should -BeLike "$quarantine/*"

        $sent = Get-DovecotState $copy 'Sent'
        $sent.Problems | Should -HaveCount 0
        $sent.State | Should -Be $SentBaseline.State
        @(Test-MailIndex -Path $copy -Recurse) | Should -HaveCount 0
    }

    It 'takes mailboxes from Test-MailIndex by property name and shows results in a table' {
        $copy = New-MailRootCopy
        Set-UInt32 (Join-Path $copy 'dovecot.index') 40 99
        $out = @(Test-MailIndex -Path $copy | Sort-Object IndexDirectory -Unique | Repair-MailIndex -QuarantinePath (Join-Path $Root 'quarantine') -Confirm:$false)
        $out.Action | Should -Be @('FixIndexHeader')
        $out[0].Mailbox | Should -Be $copy
        $text = $out | Format-Table | Out-String -Width 250
        $text | Should -Match 'Mailbox\s+File\s+Action\s+Before\s+After\s+QuarantinedTo'
        $text | Should -Match 'dovecot\.index\s+FixIndexHeader'
    }

    It 'repairs INBOX and .Archive of another user with -Recurse and the default quarantine; Dovecot then manages every folder cleanly' {
        # Owned by 65534 and opened by doveadm as that user; repaired as root.
        $copy = New-MailRootCopy
        (Invoke-Doveadm $copy @('mailbox', 'create', 'Archive')).Problems | Should -HaveCount 0
        (Invoke-Doveadm $copy @('save', '-m', 'Archive') "Subject: archived`n`nkept`n").Problems | Should -HaveCount 0
        Set-UInt32 (Join-Path $copy 'dovecot.index') 28 0
        [IO.File]::AppendAllText((Join-Path $copy '.Archive/dovecot.index.log'), 'garbage!!')
        $defaultRoot = '/var/lib/mailstorage/quarantine'
        $missing = @($defaultRoot, (Split-Path $defaultRoot) | Where-Object { -not (Test-Path -LiteralPath $_) })
        $summary = $null
        try {
            $out = @(Repair-MailIndex -Path $copy -Recurse -Confirm:$false)
            $summary = $out[-1]
            $summary | Should -BeOfType ([MailStorage.PowerShell.MailIndexRepairSummary])
            $summary.Failed | Should -Be 0
            $summary.Repaired | Should -Be 2
            ($out | Where-Object { $_ -is [MailStorage.PowerShell.MailIndexRepair] }).Mailbox | Sort-Object -Unique | Should -Be @('Archive', 'INBOX')
            $summary.QuarantinePaths | Should -HaveCount 2
            # One folder per mailbox and run, named after the time and the mailbox's folder.
            ($summary.QuarantinePaths | Split-Path -Leaf | ForEach-Object { $_ -replace '^\d{8}T\d{6}Z', '' } | Sort-Object) |
                Should -Be @(($copy -replace '/', '_'), (($copy -replace '/', '_') + '_.Archive'))
            foreach ($folder in $summary.QuarantinePaths) {
                $folder | Should -BeLike "$defaultRoot/*"
                & stat -c '%a %u:%g' $folder | Should -Be '700 0:0'
                (Get-Content (Join-Path $folder 'manifest.jsonl') | ConvertFrom-Json).Original | Should -BeLike "$copy/*"
            }

            (Get-DovecotState $copy).Problems | Should -HaveCount 0
            $problems = foreach ($arguments in @(
                    @('mailbox', 'create', 'Projects'), @('mailbox', 'rename', 'Projects', 'Projects2'),
                    @('mailbox', 'subscribe', 'Projects2'), @('mailbox', 'unsubscribe', 'Projects2'),
                    @('mailbox', 'delete', 'Archive'), @('mailbox', 'delete', 'Projects2'))) {
                (Invoke-Doveadm $copy $arguments).Problems | ForEach-Object { "doveadm $arguments`: $_" }
            }
            $problems | Should -BeNullOrEmpty
            $list = Invoke-Doveadm $copy @('mailbox', 'list')
            $list.Problems | Should -HaveCount 0
            ($list.Output -split "`n" | Sort-Object) | Should -Be @('INBOX', 'Sent')
            # Nothing of the repair left in the user's tree: no quarantine, nothing root's.
            & find $copy '(' -uid 0 -o -name '*mailstorage*' ')' | Should -BeNullOrEmpty
        } finally {
            # Only what this test made under the default root: its two folders, then the roots if they were missing.
            foreach ($folder in @($summary.QuarantinePaths | Where-Object { $_ -like "$defaultRoot/*" })) { Remove-Item -LiteralPath $folder -Recurse -Force }
            foreach ($dir in $missing) {
                if ((Test-Path -LiteralPath $dir) -and -not (Get-ChildItem -LiteralPath $dir -Force)) { Remove-Item -LiteralPath $dir }
            }
        }
    }

    It 'refuses a quarantine in the mail tree (<Sub>, -Recurse: <Recurse>) before anything runs, changing no byte' -ForEach @(
        @{ Sub = 'new'; Recurse = $true }
        @{ Sub = '.Quarantine'; Recurse = $true }
        @{ Sub = 'cur/../tmp'; Recurse = $true }
        @{ Sub = '.Sent/q'; Recurse = $true }
        @{ Sub = 'new'; Recurse = $false }
        @{ Sub = '.Quarantine'; Recurse = $false }
    ) {
        $copy = New-MailRootCopy
        Set-UInt32 (Join-Path $copy 'dovecot.index') 28 0
        [IO.File]::AppendAllText((Join-Path $copy '.Sent/dovecot.index.log'), 'garbage!!')
        $before = Get-TreeHashes $copy
        $parameters = @{ Path = $copy; QuarantinePath = "$copy/$Sub"; Confirm = $false }
        if ($Recurse) { $parameters.Recurse = $true }

        $out = @(Repair-MailIndex @parameters -ErrorVariable errors -ErrorAction SilentlyContinue)
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'RepairMailIndexQuarantineInsideMailTree,*'
        "$($errors[0])" | Should -BeLike "*$copy/*inside the mail tree*"
        @($out | Where-Object { $_ -is [MailStorage.PowerShell.MailIndexRepair] }) | Should -HaveCount 0
        Get-TreeHashes $copy | Should -Be $before
    }

    It 'refuses a quarantine path with a symbolic link in it (<Case>) before anything is created' -ForEach @(
        @{ Case = 'a link into the mail tree'; Into = $true }
        @{ Case = 'a link to a folder outside'; Into = $false }
    ) {
        $copy = New-MailRootCopy
        Set-UInt32 (Join-Path $copy 'dovecot.index') 28 0
        $x = Join-Path $Root ('x-' + [guid]::NewGuid().ToString('N').Substring(0, 6))
        $target = if ($Into) { $copy } else { (New-Item -ItemType Directory -Path (Join-Path $x 'target')).FullName }
        New-Item -ItemType Directory -Force -Path $x | Out-Null
        $link = Join-Path $x 'qlink'
        New-Item -ItemType SymbolicLink -Path $link -Target $target | Out-Null
        $before = (Get-TreeHashes $copy), (Get-TreeHashes $x)

        $err = $null
        try { Repair-MailIndex -Path $copy -Recurse -QuarantinePath (Join-Path $link 'sub2') -Confirm:$false -ErrorAction Stop | Out-Null } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'RepairMailIndexQuarantinePathSymbolicLink,*'
        "$err" | Should -BeLike "*symbolic link*$link.*"
        ((Get-TreeHashes $copy), (Get-TreeHashes $x)) | Should -Be $before
    }

    It 'refuses a quarantine path that is a file with RepairMailIndexQuarantinePathNotFolder before anything runs' {
        $copy = New-MailRootCopy
        Set-UInt32 (Join-Path $copy 'dovecot.index') 28 0
        $file = Join-Path $Root ('file-' + [guid]::NewGuid().ToString('N').Substring(0, 6))
        Set-Content -LiteralPath $file -Value 'not a folder'
        $before = Get-TreeHashes $copy

        $err = $null
        try { Repair-MailIndex -Path $copy -QuarantinePath $file -Confirm:$false -ErrorAction Stop | Out-Null } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'RepairMailIndexQuarantinePathNotFolder,*'
        "$err" | Should -BeLike "*$file*not a folder*"
        Get-TreeHashes $copy | Should -Be $before
        Get-Content -LiteralPath $file | Should -Be 'not a folder'
    }

    It 'writes RepairMailIndexPathNotFound for a missing folder and goes on' {
        $copy = New-MailRootCopy
        $missing = Join-Path $Root 'no-such-folder'
        $out = @($missing, $copy | Repair-MailIndex -QuarantinePath (Join-Path $Root 'quarantine') -Confirm:$false -ErrorVariable errors -ErrorAction SilentlyContinue)
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'RepairMailIndexPathNotFound,*'
        $errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        # Two inputs: the summary says one mailbox was looked at, and it was sound.
        $out | Should -HaveCount 1
        $out[0].Mailboxes | Should -Be 1
        $out[0].Sound | Should -Be 1
    }

    It 'writes RepairMailIndexNotAMailbox for a folder that is no mailbox, counts it nowhere, and goes on' {
        $copy = New-MailRootCopy
        Set-UInt32 (Join-Path $copy 'dovecot.index') 28 0
        $notMailbox = Join-Path $Root ('etc-' + [guid]::NewGuid().ToString('N').Substring(0, 6))
        New-Item -ItemType Directory -Path (Join-Path $notMailbox 'ssl') | Out-Null
        Set-Content -Path (Join-Path $notMailbox 'passwd') -Value 'root:x:0:0::/root:/bin/sh'
        $before = Get-FolderState $notMailbox

        $out = @($notMailbox, $copy | Repair-MailIndex -WhatIf -ErrorVariable errors -ErrorAction SilentlyContinue)
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'RepairMailIndexNotAMailbox,*'
        $errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        "$($errors[0])" | Should -BeLike "*$notMailbox*not a Dovecot mailbox*dovecot.index*dovecot-uidlist*cur/*"
        $out[-1].Mailboxes | Should -Be 1
        $out[-1].WouldRepair | Should -Be 1
        $out[-1].Sound | Should -Be 0

        $out = @(Repair-MailIndex -Path $notMailbox -Recurse -Confirm:$false -ErrorVariable rootErrors -ErrorAction SilentlyContinue)
        $rootErrors | Should -HaveCount 1
        $rootErrors[0].FullyQualifiedErrorId | Should -BeLike 'RepairMailIndexNotAMailbox,*'
        $out | Should -HaveCount 1
        $out[0].Mailboxes | Should -Be 0
        $out[0].Sound | Should -Be 0
        Get-FolderState $notMailbox | Should -Be $before
    }

    It 'refuses a symlinked <_> with -WhatIf as in the run, with the same error id, and creates nothing through the link' -ForEach 'Maildir', '.Archive', 'dovecot.index.log' {
        $copy = New-MailRootCopy
        Set-UInt32 (Join-Path $copy 'dovecot.index') 28 0
        Set-UInt32 (Join-Path $copy '.Sent/dovecot.index') 28 0
        $real = Join-Path $Root ('link-target-' + [guid]::NewGuid().ToString('N').Substring(0, 6))
        $case = $_
        switch ($case) {
            'Maildir' {
                Move-Item $copy $real
                New-Item -ItemType SymbolicLink -Path $copy -Target $real | Out-Null
                $watched = $real
                $run = @{ Path = $copy }
            }
            '.Archive' {
                Move-Item (Join-Path $copy '.Sent') $real
                New-Item -ItemType SymbolicLink -Path (Join-Path $copy '.Archive') -Target $real | Out-Null
                $watched = $real
                $run = @{ Path = $copy; Recurse = $true }
            }
            default {
                New-Item -ItemType Directory -Path $real | Out-Null
                Move-Item (Join-Path $copy 'dovecot.index.log') (Join-Path $real 'dovecot.index.log')
                New-Item -ItemType SymbolicLink -Path (Join-Path $copy 'dovecot.index.log') -Target (Join-Path $real 'dovecot.index.log') | Out-Null
                $watched = $real
                $run = @{ Path = $copy }
            }
        }
        # Never the default root: what INBOX's repair copies stays with this test.
        $run.QuarantinePath = Join-Path $Root ('quarantine-' + [guid]::NewGuid().ToString('N').Substring(0, 6))
        # With -Recurse INBOX is repaired in the mail root itself; the link's target is what must see nothing.
        $alsoWatched = if ($case -eq '.Archive') { $watched } else { $copy }
        $before = (Get-FolderState $watched) + ' | ' + (Get-FolderState $alsoWatched)

        $planned = @(Repair-MailIndex @run -WhatIf -ErrorVariable whatIfErrors -ErrorAction SilentlyContinue)
        $done = @(Repair-MailIndex @run -Confirm:$false -ErrorVariable runErrors -ErrorAction SilentlyContinue)
        $whatIfErrors | Should -HaveCount 1
        $runErrors | Should -HaveCount 1
        $whatIfErrors[0].FullyQualifiedErrorId | Should -BeLike 'RepairMailIndexSymbolicLink,*'
        $runErrors[0].FullyQualifiedErrorId | Should -Be $whatIfErrors[0].FullyQualifiedErrorId
        "$($runErrors[0])" | Should -Be "$($whatIfErrors[0])"
        ((Get-FolderState $watched) + ' | ' + (Get-FolderState $alsoWatched)) | Should -Be $before
        if ($case -eq '.Archive') {
            # INBOX is repaired; the linked folder counts as failed in both summaries, never as repaired.
            $planned[-1].WouldRepair | Should -Be 1
            $planned[-1].Failed | Should -Be 1
            $done[-1].Repaired | Should -Be 1
            $done[-1].Failed | Should -Be 1
        } else {
            @($planned + $done) | Should -HaveCount 0
        }
    }

    It 'reports a hard-linked index once as left alone (Refusal HardLinked) with -WhatIf as in the run, and leaves it untouched' {
        $copy = New-MailRootCopy
        $index = Join-Path $copy 'dovecot.index'
        Set-UInt32 $index 28 0
        $other = Join-Path $Root ('hard-link-' + [guid]::NewGuid().ToString('N').Substring(0, 6))
        & ln $index $other
        $before = Get-FileState $index

        foreach ($whatIf in $true, $false) {
            $out = @(Repair-MailIndex -Path $copy -WhatIf:$whatIf -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue -ErrorAction Stop)
            $out | Should -HaveCount 1 -Because "WhatIf=$whatIf"
            $out[0].Action | Should -Be 'Report'
            $out[0].File | Should -Be $index
            $out[0].Code | Should -Be 'IndexNextUidZero'
            $out[0].Refusal | Should -Be 'HardLinked'
            $out[0].Reason | Should -BeLike '*2 hard links*'
            $warnings | Should -HaveCount 0
        }

        Get-FileState $index | Should -Be $before
        Get-FileState $other | Should -Be $before
        Test-Path (Join-Path $copy 'mailstorage-quarantine') | Should -BeFalse
    }
}
