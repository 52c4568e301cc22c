import { useI18n } from '../i18n/i18n.tsx';
import { Dialog } from './Dialog.tsx';

export function ConfirmDialog({
  message,
  confirmLabel,
  onConfirm,
  onCancel,
}: {
  message: string;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  return (
    <Dialog title={confirmLabel} onClose={onCancel}>
      <p>{message}</p>
      <div className="actions">
        <button type="button" className="button-secondary" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button type="button" className="button-danger" onClick={onConfirm}>
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
