/**
 * `arco completion bash|zsh`: a shell completion script for commands, subcommands and options,
 * written from the command tree itself so it never lists a command that does not exist.
 */
import { Argument, Command } from 'commander';

function optionWords(command: Command): string {
  return command.options.flatMap((o) => [o.long, o.short].filter((f): f is string => Boolean(f))).concat('--help').join(' ');
}

/** One `case` arm per command: subcommands at the second word, their options after it. */
function caseArms(program: Command): string {
  return program.commands
    .map((command) => {
      const subs = command.commands;
      if (subs.length === 0) return `      ${command.name()}) words="${optionWords(command)}" ;;`;
      const subArms = subs.map((sub) => `            ${sub.name()}) words="${optionWords(sub)}" ;;`).join('\n');
      return [
        `      ${command.name()})`,
        `        if [ "$COMP_CWORD" -eq 2 ]; then words="${subs.map((s) => s.name()).join(' ')}"`,
        '        else',
        '          case "${COMP_WORDS[2]}" in',
        subArms,
        '          esac',
        '        fi ;;',
      ].join('\n');
    })
    .join('\n');
}

export function bashCompletion(program: Command): string {
  const top = program.commands.map((c) => c.name()).join(' ');
  return `# arco completion for bash: source <(arco completion bash)
_arco() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" words=""
  if [ "$COMP_CWORD" -eq 1 ]; then
    words="${top} --help --version"
  else
    case "\${COMP_WORDS[1]}" in
${caseArms(program)}
    esac
  fi
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _arco arco
`;
}

export function completionCommand(program: () => Command): Command {
  return new Command('completion')
    .description('print a shell completion script (bash or zsh)')
    .addArgument(new Argument('<shell>', 'bash or zsh').choices(['bash', 'zsh']))
    .addHelpText('after', '\nExamples:\n  source <(arco completion bash)            # in ~/.bashrc\n  source <(arco completion zsh)             # in ~/.zshrc\n')
    .action((shell: 'bash' | 'zsh') => {
      // zsh runs the bash function through its bash-completion bridge.
      const prelude = shell === 'zsh' ? 'autoload -U +X bashcompinit && bashcompinit\n' : '';
      process.stdout.write(prelude + bashCompletion(program()));
    });
}
