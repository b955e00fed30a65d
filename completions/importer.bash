# bash completion for importer(1): the commands and each command's options
# (read from 'importer --help' and 'importer help CMD', so they follow the
# binary), run numbers (from 'importer history --json', with the --db and
# --profile given so far) and profiles (*.ini).
# Installed as $(datadir)/bash-completion/completions/importer.

_importer_words()
{
	# The options a help text names: "--word" and "-x" at a word start.
	grep -oE -- "(^|[][ (,'|])(--[a-z][a-z0-9-]*|-[a-zA-Z])([] ,.)=:;'|]|\$)" |
	    grep -oE -- '--?[a-zA-Z][a-z0-9-]*' | sort -u
}

_importer_files()
{
	# _importer_files GLOB: files matching GLOB and folders.
	local IFS=$'\n'
	compopt -o filenames 2>/dev/null
	COMPREPLY=($(compgen -f -X "!$1" -- "$cur") $(compgen -d -- "$cur"))
}

_importer()
{
	local cur prev prog cmd= i w
	local -a global=()
	local IFS=$' \t\n'

	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	prog=${COMP_WORDS[0]}
	COMPREPLY=()

	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		--db|--profile)
			global+=("$w" "${COMP_WORDS[i+1]}")
			((i++))
			;;
		--db=*|--profile=*)
			global+=("$w")
			;;
		--as)
			((i++))
			;;
		-*)
			;;
		*)
			cmd=$w
			break
			;;
		esac
	done

	# The value of an option.
	case $prev in
	--profile)
		_importer_files '*.ini'
		return
		;;
	--db)
		_importer_files '*.db'
		return
		;;
	--snapshot|--accounts|--errors-csv)
		_importer_files '*.csv'
		return
		;;
	-o|--output)
		if [ "$cmd" = evidence ]; then
			_importer_files '*.zip'
		else
			_importer_files '*.xlsx'
		fi
		return
		;;
	--check)
		_importer_files '*.zip'
		return
		;;
	--token-file|--cacert|--state|--port-file)
		_importer_files '*'
		return
		;;
	--delimiter)
		COMPREPLY=($(compgen -W 'comma semicolon tab pipe' -- "$cur"))
		return
		;;
	--forbid)
		COMPREPLY=($(compgen -W 'relationship role action mfa
		    relationship:put role:put action:put mfa:put' -- "$cur"))
		return
		;;
	--encoding)
		COMPREPLY=($(compgen -W 'UTF-8 UTF-16 GB18030 GBK SHIFT_JIS
		    CP932 EUC-JP BIG5 EUC-KR WINDOWS-1252' -- "$cur"))
		return
		;;
	--endpoint|--concurrency|--rate|--retries|--timeout|--batch-size|\
	--customer|--port|--bind|--token|--client-secret|--token-ttl|\
	--page-max|--seed|--latency|--burst|--fail-503|--fail-500-after|\
	--drop-after|--slow|--bom|--forbid-customer|--sheet)
		return
		;;
	esac

	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$("$prog" --help 2>/dev/null |
			    sed -n '/^options:/,/^$/p' | _importer_words)" \
			    -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$("$prog" --help 2>/dev/null |
			    sed -n '/^commands:/,/^$/p' |
			    awk 'NF > 1 { print $1 }')" -- "$cur"))
		fi
		return
	fi

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$("$prog" help "$cmd" 2>/dev/null |
		    _importer_words)" -- "$cur"))
		return
	fi
	case $cmd in
	check|plan|submit|retry|report|verify)
		COMPREPLY=($(compgen -W "$("$prog" "${global[@]}" --json \
		    history 2>/dev/null |
		    sed -n 's/^ *"run": *\([0-9][0-9]*\).*/\1/p')" -- "$cur"))
		;;
	stage|run)
		_importer_files '*'
		;;
	help)
		COMPREPLY=($(compgen -W "$("$prog" --help 2>/dev/null |
		    sed -n '/^commands:/,/^$/p' |
		    awk 'NF > 1 { print $1 }')" -- "$cur"))
		;;
	esac
} &&
complete -F _importer importer
