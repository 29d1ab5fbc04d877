# bash completion for sysgate(1).                        -*- shell-script -*-
#
# Installed as share/bash-completion/completions/sysgate, where bash-completion
# loads it on first use; or source it by hand. CMake writes the installed copy
# with the shipped policy names of the build in place of @SYSGATE_POLICY_NAMES@
# (the binary embeds them and has no other way to list them).

_sysgate_shipped_policies() {
  local names
  # A sysgate that can list them knows best.
  names=$(command "${words[0]:-sysgate}" policies --names 2>/dev/null) || names=
  if [[ -z $names ]]; then
    names="@SYSGATE_POLICY_NAMES@"
    [[ $names == @* ]] && names=  # not configured (sourced from the source tree)
  fi
  printf '%s\n' $names
}

# Files and directories (a policy file, a log), one per line, as compgen sees them.
_sysgate_files() {
  local IFS=$'\n'
  COMPREPLY+=($(compgen -f -- "$1"))
  compopt -o filenames 2>/dev/null
}

_sysgate_dirs() {
  local IFS=$'\n'
  COMPREPLY+=($(compgen -d -- "$1"))
  compopt -o filenames 2>/dev/null
}

_sysgate_policy() {
  COMPREPLY+=($(compgen -W "$(_sysgate_shipped_policies)" -- "$1"))
  _sysgate_files "$1"
}

# The value of option $1 of subcommand $2, completing word $3.
_sysgate_value() {
  local opt=$1 cmd=$2 cur=$3
  case $opt in
    --policy | --base) _sysgate_policy "$cur" ;;
    --engine) COMPREPLY=($(compgen -W "seccomp ptrace" -- "$cur")) ;;
    --mode) COMPREPLY=($(compgen -W "enforce audit" -- "$cur")) ;;
    --on-process-limit) COMPREPLY=($(compgen -W "end fail" -- "$cur")) ;;
    --allow-weaker) COMPREPLY=($(compgen -W "landlock signals masks capabilities" -- "$cur")) ;;
    --generalise) COMPREPLY=($(compgen -W "none dirs trees" -- "$cur")) ;;
    --abi) COMPREPLY=($(compgen -W "x86_64 i386 x32" -- "$cur")) ;;
    --keep-caps) COMPREPLY=($(compgen -W "all" -- "$cur")) ;;
    --user) COMPREPLY=($(compgen -u -- "$cur")) ;;
    --group) COMPREPLY=($(compgen -g -- "$cur")) ;;
    --env) COMPREPLY=($(compgen -e -S = -- "$cur")); compopt -o nospace 2>/dev/null ;;
    --cwd | --cgroup | --collect | --out) _sysgate_dirs "$cur" ;;
    --log | --report | --access-report | --stdin | --stdout | --stderr | --declared | --output | -o | --from | --file)
      _sysgate_files "$cur" ;;
    *) ;;  # a number, a time or a size: nothing to offer
  esac
}

_sysgate() {
  local cur prev words cword
  if declare -F _init_completion >/dev/null; then
    _init_completion -n = || return
  else
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    words=("${COMP_WORDS[@]}")
    cword=$COMP_CWORD
  fi
  COMPREPLY=()

  local commands="run check explain learn test syscalls policies batch attach"
  if ((cword == 1)); then
    COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
    return
  fi
  local cmd=${words[1]}

  # Options that take a value, per subcommand (run's: run_options() in
  # supervisor/cli/main.cpp; learn's: learn_options() in learn.cpp).
  local run_valued="--policy --engine --log --log-max --report --cpu-time --wall-time --memory --processes --output
    --file-size --open-files --stack --cgroup --stdin --stdout --stderr --cwd --env --user --group
    --allow-weaker --keep-caps --on-process-limit --seed --mode --access-report --declared"
  local run_flags="--quiet --no-cgroups --stderr-to-stdout --clear-env --private-tmp --keep-rundir
    --fail-on-denial --no-log-results --help"
  local valued flags
  case $cmd in
    run) valued=$run_valued flags=$run_flags ;;
    learn) valued="--output -o --base --generalise --depth --from --log --engine --name" flags="--help" ;;
    explain) valued="--engine" flags="--bpf --help" ;;
    syscalls) valued="--abi" flags="--help" ;;
    policies) valued="" flags="--names --help" ;;
    test) valued="--abi --seed --file" flags="--help" ;;
    check) valued="" flags="--help" ;;
    attach) valued="--policy --log --report --mode --detach-after --wall-time --seed" flags="--quiet --help" ;;
    batch) valued="--jobs -j --out --shard --collect --partition --array-size"
      flags="--rerun --no-cgroups --keep-work --slurm --wait --help" ;;
    *) return ;;
  esac

  # Where the options end: run and learn take a PROGRAM after them.
  local i w program_at=0
  for ((i = 2; i < cword; i++)); do
    w=${words[i]}
    if [[ $w == -- ]]; then program_at=$((i + 1)); break; fi
    if [[ " ${valued//$'\n'/ } " == *" $w "* ]]; then ((i++)); continue; fi
    if [[ $w != -* && ($cmd == run || $cmd == learn) ]]; then program_at=$i; break; fi
  done
  if ((program_at > 0)); then
    if ((cword == program_at)); then
      COMPREPLY=($(compgen -c -- "$cur"))
    elif declare -F _command_offset >/dev/null; then
      _command_offset "$program_at"
    else
      _sysgate_files "$cur"
    fi
    return
  fi

  # --opt=value
  if [[ $cur == --*=* ]]; then
    local opt=${cur%%=*}
    _sysgate_value "$opt" "$cmd" "${cur#*=}"
    COMPREPLY=("${COMPREPLY[@]/#/$opt=}")
    return
  fi
  if [[ " ${valued//$'\n'/ } " == *" $prev "* ]]; then
    _sysgate_value "$prev" "$cmd" "$cur"
    return
  fi
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$valued $flags" -- "$cur"))
    return
  fi
  case $cmd in
    run | learn) COMPREPLY=($(compgen -c -- "$cur")) ;;
    check | batch) _sysgate_files "$cur" ;;
    attach) COMPREPLY=($(compgen -W "$(ps -e -o pid= 2>/dev/null)" -- "$cur")) ;;
    test)  # POLICY CALL
      local operands=0
      for ((i = 2; i < cword; i++)); do
        w=${words[i]}
        if [[ " $valued " == *" $w "* ]]; then ((i++)); continue; fi
        [[ $w != -* ]] && ((operands++))
      done
      if ((operands == 0)); then _sysgate_policy "$cur"; fi
      ;;
    explain) _sysgate_policy "$cur" ;;
    syscalls)
      local names
      names=$(command "${words[0]}" syscalls 2>/dev/null | awk 'NR > 1 { print $1 }')
      COMPREPLY=($(compgen -W "$names %file %network %process %signal %ipc %memory %creds %clock %desc
        %stat %lstat %fstat %statfs %fstatfs %pure %%stat %%statfs" -- "$cur"))
      ;;
  esac
}

complete -F _sysgate sysgate
