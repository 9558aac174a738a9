import { DateField, OreField, TextField } from '../http/fields';

export class DepositDto {
  @OreField('Insatt belopp.', 1)
  amountOre: number;

  @TextField('Varifrån pengarna kommer.', 300, true, 'Kommunalförbundet Region Värmland')
  source: string;

  @DateField('Bokföringsdag: dagen då pengarna rördes; avgör vilket år bokningen hör till.')
  bookedOn: string;

  @TextField('Verifikation eller annan referens.', 200)
  reference: string;
}

export class WithdrawalDto {
  @TextField('Initiativet som får utbetalningen.', 100)
  initiativeId: string;

  @OreField('Utbetalt belopp.', 1)
  amountOre: number;

  @DateField('Bokföringsdag.')
  bookedOn: string;

  @TextField('Verifikation eller annan referens.', 200)
  reference: string;
}

export class ReturnDto {
  @TextField('Initiativet som återför medel.', 100)
  initiativeId: string;

  @OreField('Återfört belopp.', 1)
  amountOre: number;

  @DateField('Bokföringsdag.')
  bookedOn: string;

  @TextField('Varför pengarna återförs.', 2000)
  reason: string;
}
