BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $Manifest -Force

    # A private Dovecot (no services): doveadm reads it with -c and works on the Maildir as uid 65534.
    $script:Root, $script:Maildir, $script:Conf = New-DovecotTestRoot 'index'

    foreach ($i in 1..5) { "Subject: message $i`n`nbody $i`n" | Invoke-Doveadm save | Out-Null }
    Invoke-Doveadm mailbox create Sent | Out-Null
    foreach ($i in 1..2) { "Subject: sent $i`n`nbody $i`n" | Invoke-Doveadm save -m Sent | Out-Null }
    Invoke-Doveadm flags add '\Seen' mailbox INBOX uid 1:3 | Out-Null
    Invoke-Doveadm flags add '\Flagged \Answered' mailbox INBOX uid 2 | Out-Null
    Invoke-Doveadm flags add 'Important' mailbox INBOX uid 3 | Out-Null
    Invoke-Doveadm flags add '\Deleted' mailbox INBOX uid 5 | Out-Null
    Invoke-Doveadm expunge mailbox INBOX uid 4 | Out-Null

    # doveadm fetch 'uid flags' as "uid|flags sorted" lines, \Recent dropped.
    function Get-DoveadmRecords([string] $Mailbox) {
        $lines = Invoke-Doveadm fetch 'uid flags' mailbox $Mailbox all
        $uid = $null
        foreach ($line in $lines) {
            if ($line -match '^uid: (\d+)') { $uid = $Matches[1] }
            elseif ($line -match '^flags: ?(.*)$') {
                $flags = @($Matches[1] -split ' ' | Where-Object { $_ -and $_ -ne '\Recent' } | Sort-Object)
                "$uid|$($flags -join ' ')"
            }
        }
    }
}

AfterAll {
    if ($Root -and (Test-Path $Root)) { Remove-Item -Recurse -Force $Root }
}

Describe 'Get-MailStorageMailbox' {
    It 'lists INBOX and Sent of a Maildir++ root' {
        $boxes = @(Get-MailStorageMailbox -Path $Maildir)
        $boxes | Should -BeOfType ([MailStorage.PowerShell.MailStorageMailbox])
        $boxes.Name | Should -Be @('INBOX', 'Sent')
        $boxes[0].MailDirectory | Should -Be $Maildir
        $boxes[0].IndexDirectory | Should -Be $Maildir
        $boxes[0].ControlDirectory | Should -Be $Maildir
        $boxes[1].MailDirectory | Should -Be (Join-Path $Maildir '.Sent')
        $boxes.Format | Should -Be @('maildir', 'maildir')
    }

    It 'expands mail_location from a configuration' {
        $boxes = @(Get-MailStorageMailbox -ConfigPath $Conf -User nobody)
        $boxes.Name | Should -Be @('INBOX', 'Sent')
        $boxes[0].MailDirectory | Should -Be $Maildir
    }

    It 'places INBOX index files at INDEX/.INBOX' {
        $boxes = @(Get-MailStorageMailbox -Path $Maildir -IndexPath /srv/idx)
        $boxes[0].IndexDirectory | Should -Be '/srv/idx/.INBOX'
        $boxes[1].IndexDirectory | Should -Be '/srv/idx/.Sent'
    }

    It 'reports a missing root with a stable error id' {
        Get-MailStorageMailbox -Path (Join-Path $Root 'nope') -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GetMailStorageMailboxPathNotFound*'
    }
}

Describe 'Get-MailIndex' {
    It 'agrees with doveadm mailbox status for <_>' -ForEach 'INBOX', 'Sent' {
        $info = Get-MailStorageMailbox -Path $Maildir | Where-Object Name -eq $_ | Get-MailIndex
        $info | Should -BeOfType ([MailStorage.PowerShell.MailIndexInfo])
        $status = Invoke-Doveadm -f flow mailbox status 'uidnext messages uidvalidity' $_
        $status | Should -Match 'uidnext=(\d+)'
        $info.NextUid | Should -Be ([uint32]([regex]::Match($status, 'uidnext=(\d+)').Groups[1].Value))
        $info.MessagesCount | Should -Be ([int]([regex]::Match($status, 'messages=(\d+)').Groups[1].Value))
        $info.UidValidity | Should -Be ([uint32]([regex]::Match($status, 'uidvalidity=(\d+)').Groups[1].Value))
        $info.Files.Keys | Should -Contain 'dovecot.index.log'
    }

    It 'counts seen and deleted messages of INBOX' {
        $info = Get-MailIndex -Path $Maildir
        $info.SeenCount | Should -Be 3
        $info.DeletedCount | Should -Be 1
    }
}

Describe 'A folder that is no mailbox' {
    It 'is <_>NotAMailbox, never an empty index, and the next folder is still read' -ForEach 'Get-MailIndex', 'Get-MailIndexRecord' {
        $notMailbox = Join-Path $Root ('etc-' + [guid]::NewGuid().ToString('N').Substring(0, 6))
        New-Item -ItemType Directory -Path (Join-Path $notMailbox 'ssl') | Out-Null
        Set-Content -Path (Join-Path $notMailbox 'passwd') -Value 'root:x:0:0::/root:/bin/sh'
        $out = @($notMailbox, $Maildir | & $_ -ErrorVariable errors -ErrorAction SilentlyContinue)
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike "$($_ -replace '-', '')NotAMailbox,*"
        $errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        "$($errors[0])" | Should -BeLike "*$notMailbox*not a Dovecot mailbox*"
        if ($_ -eq 'Get-MailIndex') {
            $out | Should -HaveCount 1
            $out[0].Path | Should -Be $Maildir
            $out[0].UidValidity | Should -Not -Be 0
        } else {
            $out.Uid | Should -Be @(1, 2, 3, 5)
        }
    }
}

Describe 'Get-MailIndexRecord' {
    It 'equals doveadm fetch uid flags for <_>' -ForEach 'INBOX', 'Sent' {
        $records = @(Get-MailStorageMailbox -Path $Maildir | Where-Object Name -eq $_ | Get-MailIndexRecord)
        $records | Should -BeOfType ([MailStorage.PowerShell.MailIndexRecord])
        $ours = @($records | ForEach-Object { "$($_.Uid)|$(@(@($_.Flags) + @($_.Keywords) | Sort-Object) -join ' ')" })
        $ours | Should -Be @(Get-DoveadmRecords $_)
        $records.Seq | Should -Be (1..$records.Count)
        foreach ($r in $records) { $r.FileName | Should -Not -BeNullOrEmpty }
    }

    It 'gives IMAP flag names and keywords' {
        $records = @(Get-MailIndexRecord -Path $Maildir)
        $records.Uid | Should -Be @(1, 2, 3, 5)
        $records[1].Flags | Should -Be @('\Answered', '\Flagged', '\Seen')
        $records[2].Keywords | Should -Be @('Important')
        $records[3].Flags | Should -Be @('\Deleted')
    }
}

Describe 'Cache modes of Get-MailIndex and Get-MailIndexRecord' {
    It 'reads the same with -CacheMode <_> as doveadm' -ForEach 'Mmap', 'Buffered', 'BufferedFlush' {
        Clear-MailIndexCache
        foreach ($pass in 1..2) {
            $info = Get-MailIndex -Path $Maildir -CacheMode $_
            $info.CacheMode | Should -Be $_
            $status = Invoke-Doveadm -f flow mailbox status 'uidnext messages' INBOX
            $info.NextUid | Should -Be ([uint32]([regex]::Match($status, 'uidnext=(\d+)').Groups[1].Value))
            $info.MessagesCount | Should -Be ([int]([regex]::Match($status, 'messages=(\d+)').Groups[1].Value))
            $records = @(Get-MailIndexRecord -Path $Maildir -CacheMode $_)
            @($records | ForEach-Object { "$($_.Uid)|$(@(@($_.Flags) + @($_.Keywords) | Sort-Object) -join ' ')" }) | Should -Be @(Get-DoveadmRecords INBOX)
        }
        (Get-MailIndexCache).Views | Should -BeGreaterOrEqual 2
    }

    It 'reads again only the bytes Dovecot appended' {
        Clear-MailIndexCache
        $first = Get-MailIndex -Path $Maildir -CacheMode Buffered
        $log = Join-Path $Maildir 'dovecot.index.log'
        $size = (Get-Item $log).Length
        $before = (Get-MailIndexCache).BytesRead
        $before | Should -BeGreaterOrEqual $size

        Get-MailIndex -Path $Maildir -CacheMode Buffered | Out-Null
        (Get-MailIndexCache).BytesRead | Should -Be $before -Because 'nothing changed'

        Invoke-Doveadm flags add '\Answered' mailbox INBOX uid 1 | Out-Null
        $appended = (Get-Item $log).Length - $size
        $appended | Should -BeGreaterThan 0
        $second = Get-MailIndex -Path $Maildir -CacheMode Buffered
        (Get-MailIndexCache).BytesRead - $before | Should -Be $appended
        (Get-MailIndexRecord -Path $Maildir -CacheMode Buffered | Where-Object Uid -eq 1).Flags | Should -Contain '\Answered'
        $second.NextUid | Should -Be $first.NextUid
    }

    It 'takes CacheMode from Get-MailStorageMailbox -ConfigPath' {
        $nfs = Join-Path $Root 'nfs.conf'
        @("!include $Conf", 'mmap_disable = yes', 'mail_fsync = always', 'mail_nfs_index = yes', 'mail_nfs_storage = yes') | Set-Content -Path $nfs
        $boxes = @(Get-MailStorageMailbox -ConfigPath $nfs -User nobody)
        $boxes.CacheMode | Should -Be @('BufferedFlush', 'BufferedFlush')
        $infos = @($boxes | Get-MailIndex)
        $infos.CacheMode | Should -Be @('BufferedFlush', 'BufferedFlush')
        @($boxes | Where-Object Name -eq INBOX | Get-MailIndexRecord).Count | Should -Be 4

        # On this local disk Dovecot maps the files unless mmap_disable says otherwise.
        (Get-MailStorageMailbox -ConfigPath $Conf -User nobody)[0].CacheMode | Should -Be 'Mmap'
        (Get-MailStorageMailbox -Path $Maildir)[0].CacheMode | Should -BeNullOrEmpty
        $text = Get-MailStorageMailbox -ConfigPath $nfs -User nobody | Format-Table | Out-String -Width 300
        $text | Should -Match 'Name\s+Format\s+Messages\s+CacheMode'
        $text | Should -Match 'INBOX\s+maildir\s+4\s+BufferedFlush'
    }

    It 'chooses by -ConfigPath and the filesystem when no mode is given' {
        $disable = Join-Path $Root 'mmap-disable.conf'
        @("!include $Conf", 'mmap_disable = yes') | Set-Content -Path $disable
        (Get-MailIndex -Path $Maildir -ConfigPath $disable).CacheMode | Should -Be 'Buffered'
        (Get-MailIndexRecord -Path $Maildir -ConfigPath $disable -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -Match '\(Buffered\)'
        (Get-MailIndex -Path $Maildir).CacheMode | Should -Be 'Mmap'
        (Get-MailIndex -Path $Maildir -ConfigPath $disable -CacheMode BufferedFlush).CacheMode | Should -Be 'BufferedFlush'
    }

    It 'refuses a missing configuration with a stable error id' {
        { Get-MailIndex -Path $Maildir -ConfigPath (Join-Path $Root 'nope.conf') -ErrorAction Stop } | Should -Throw -ErrorId 'GetMailIndexConfigFileNotFound*'
        { Get-MailIndexRecord -Path $Maildir -ConfigPath $Root -ErrorAction Stop } | Should -Throw -ErrorId 'GetMailIndexRecordConfigPathIsDirectory*'
    }
}

Describe 'Get-MailIndexCache and Clear-MailIndexCache' {
    It 'report the session cache, write it with -PassThru and drop it' {
        Clear-MailIndexCache
        $empty = Get-MailIndexCache
        $empty | Should -BeOfType ([MailStorage.PowerShell.MailIndexCacheStatistics])
        $empty.Views | Should -Be 0
        $empty.BytesRead | Should -Be 0

        Get-MailIndex -Path $Maildir -CacheMode Buffered | Out-Null
        Get-MailIndex -Path $Maildir -CacheMode Buffered | Out-Null
        $stats = Get-MailIndexCache
        $stats.Views | Should -BeGreaterOrEqual 1
        $stats.BytesRead | Should -BeGreaterThan 0
        $stats.Revalidations | Should -BeGreaterOrEqual 2

        Clear-MailIndexCache -WhatIf
        (Get-MailIndexCache).Views | Should -Be $stats.Views -Because '-WhatIf drops nothing'

        $passed = Clear-MailIndexCache -PassThru
        $passed | Should -BeOfType ([MailStorage.PowerShell.MailIndexCacheStatistics])
        $passed.BytesRead | Should -Be $stats.BytesRead
        $passed.Views | Should -Be $stats.Views
        (Get-MailIndexCache).Views | Should -Be 0
        (Get-MailIndexCache).BytesRead | Should -Be 0
        Clear-MailIndexCache -PassThru | ForEach-Object Views | Should -Be 0
    }

    It 'formats the statistics as a table' {
        Get-MailIndex -Path $Maildir -CacheMode Buffered | Out-Null
        $text = Get-MailIndexCache | Format-Table | Out-String -Width 200
        $text | Should -Match 'Views\s+BytesRead\s+Revalidations\s+Rereads'
    }

    It 'keeps one cache per runspace' {
        Get-MailIndex -Path $Maildir -CacheMode Buffered | Out-Null
        $ours = (Get-MailIndexCache).Views
        $ours | Should -BeGreaterThan 0
        $ps = [powershell]::Create()
        try {
            $other = $ps.AddScript("Import-Module '$Manifest'; (Get-MailIndexCache).Views; Get-MailIndex -Path '$Maildir' -CacheMode Mmap | Out-Null; (Get-MailIndexCache).Views").Invoke()
            $other[0] | Should -Be 0
            $other[1] | Should -BeGreaterThan 0
        } finally {
            $ps.Dispose()
        }

        (Get-MailIndexCache).Views | Should -Be $ours -Because "another runspace's reads do not land in this one's cache"
    }
}

Describe 'Help of the mailbox cmdlets' {
    It 'documents <_>' -ForEach 'Get-MailStorageMailbox', 'Get-MailIndex', 'Get-MailIndexRecord', 'Get-MailIndexCache', 'Clear-MailIndexCache' {
        $help = Get-Help $_ -Full
        $help.Synopsis | Should -Not -BeLike "$_*"
        @($help.examples.example).Count | Should -BeGreaterOrEqual 2
    }
}
